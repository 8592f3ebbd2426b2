"""Real items of every type (with an illustration, an attachment, a timer, a focused item) for
the kiosk's UI tests and screenshots, built with engine.items like any bank item."""

from engine.items import Field, FieldKind, Item, ItemType, Media

SVG = b"""<svg xmlns="http://www.w3.org/2000/svg" width="360" height="160">
<rect x="2" y="2" width="356" height="156" rx="10" fill="#f6f6f6" stroke="#000091"/>
<rect x="20" y="24" width="320" height="34" rx="6" fill="#ffffff" stroke="#929292"/>
<text x="32" y="47" font-size="16" fill="#161616">https://www.imp0ts.gouv-fr.info</text>
<text x="20" y="100" font-size="15" fill="#3a3a3a">Barre d'adresse d'un navigateur</text>
</svg>"""

CSV = "Ville;Habitants;Département\nLyon;522250;Rhône\nGrenoble;156389;Isère\n".encode()


def sample_items() -> list[Item]:
    """One item of each type, numbered in order, with the extras the screens must handle."""
    common = {"competence": "1.1", "discrimination": 1.2, "difficulty": 0.0}
    return [
        Item(
            id="qcu-url",
            type=ItemType.QCU,
            tube="@url",
            skill="@url3",
            stem="Cette adresse mène-t-elle au site officiel des impôts ?",
            choices=(
                "Oui, c'est le site officiel",
                "Non, c'est une imitation",
                "On ne peut pas savoir",
            ),
            correct_choices=frozenset({1}),
            illustration=Media(
                "adresse.svg",
                "image/svg+xml",
                SVG,
                "Une barre d'adresse affiche https://www.imp0ts.gouv-fr.info",
            ),
            **common,
        ),
        Item(
            id="qcm-passwords",
            type=ItemType.QCM,
            tube="@motdepasse",
            skill="@motdepasse2",
            stem="Parmi ces mots de passe, lesquels sont robustes ?",
            choices=("azerty123", "Tr0mb0ne!Cerise#Lune", "motdepasse", "7#kP!q2@Lm9$xZ"),
            correct_choices=frozenset({1, 3}),
            focused=True,
            **common,
        ),
        Item(
            id="qroc-csv",
            type=ItemType.QROC,
            tube="@tableur",
            skill="@tableur2",
            stem="Ouvrez le fichier joint. Combien d'habitants compte Grenoble ?",
            fields=(Field("habitants", "Nombre d'habitants", FieldKind.NUMBER),),
            accepted=(("156389",),),
            attachments=(Media("villes.csv", "text/csv", CSV, "Tableau de trois villes"),),
            timer=90,
            **common,
        ),
        Item(
            id="qrocm-ind-file",
            type=ItemType.QROCM_IND,
            tube="@fichier",
            skill="@fichier3",
            stem="Fichier « rapport-final.pdf » : donnez son nom sans extension, puis l'extension.",
            fields=(Field("nom", "Nom du fichier"), Field("extension", "Extension")),
            accepted=(("rapport-final",), ("pdf", ".pdf")),
            **common,
        ),
        Item(
            id="qrocm-dep-browsers",
            type=ItemType.QROCM_DEP,
            tube="@navigateur",
            skill="@navigateur1",
            stem="Citez deux navigateurs web.",
            fields=(Field("premier", "Premier navigateur"), Field("second", "Second navigateur")),
            accepted=(("Firefox",), ("Chrome", "Chromium"), ("Edge",), ("Safari",)),
            **common,
        ),
    ]
