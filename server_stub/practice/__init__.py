"""Practice before certification day: campaigns, students' practice accounts, training, the Pix
profile and its sendings (docs/campaigns.md)."""
