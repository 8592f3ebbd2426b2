"""Review before publication: the queue of pending certifications with their evidence
(queue.py), the reviewers' decisions (decisions.py) and the lead's publication (publication.py).

Plain functions over the database, called by `pix-server review|session publish`, the JSON API
(api/review.py) and the web space's pages.
"""
