"""Shared by the schools' tests: running `pix-server` commands and real-looking roster files."""

import json

from server_stub.commands import main as pix_server

LYCEE_UAI = "0750655E"
COLLEGE_UAI = "0931234J"


def run_json(capsys, *args: str):
    """Run a `pix-server` command that prints JSON; its parsed output."""
    assert pix_server(list(args)) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def run_refused(capsys, *args: str) -> str:
    """Run a command that must fail cleanly; its stderr (French then English, no traceback)."""
    assert pix_server(list(args)) == 1
    error = capsys.readouterr().err
    assert error.startswith("erreur : ") and "\nerror: " in error and "Traceback" not in error
    return error


def add_school(capsys, data_dir, uai: str = LYCEE_UAI, kind: str = "lycée") -> dict:
    return run_json(
        capsys,
        "org",
        "create",
        "--data",
        str(data_dir),
        "--uai",
        uai,
        "--name",
        "Lycée Jean Moulin",
        "--type",
        kind,
        "--json",
    )


def siecle_xml(uai: str, students: list[dict], encoding: str = "ISO-8859-15") -> bytes:
    """An `ElevesSansAdresses.xml` as SIECLE exports it (a subset of its elements)."""
    eleves, structures = [], []
    for number, s in enumerate(students, start=1):
        eleve_id = f"{number:04d}"
        left = f"\n        <DATE_SORTIE>{s['left']}</DATE_SORTIE>" if s.get("left") else ""
        eleves.append(
            f"""      <ELEVE ELEVE_ID="{eleve_id}" ELENOET="{1000 + number}">
        <ID_NATIONAL>{s.get("ine", "")}</ID_NATIONAL>
        <ELENOET>{1000 + number}</ELENOET>
        <NOM_DE_FAMILLE>{s["last"]}</NOM_DE_FAMILLE>
        <NOM_USAGE>{s.get("usage", "")}</NOM_USAGE>
        <PRENOM>{s["first"]}</PRENOM>
        <PRENOM2>{s.get("first2", "")}</PRENOM2>
        <PRENOM3></PRENOM3>
        <DATE_NAISS>{s["born"]}</DATE_NAISS>
        <DOUBLEMENT>0</DOUBLEMENT>
        <CODE_SEXE>{s.get("sex", "1")}</CODE_SEXE>
        <CODE_PAYS>100</CODE_PAYS>
        <VILLE_NAISS>{s.get("town", "PARIS")}</VILLE_NAISS>
        <CODE_DEPARTEMENT_NAISS>075</CODE_DEPARTEMENT_NAISS>
        <CODE_MEF>{s["mef"]}</CODE_MEF>
        <CODE_REGIME>2</CODE_REGIME>
        <DATE_ENTREE>02/09/2025</DATE_ENTREE>{left}
        <SCOLARITE_AN_DERNIER>
          <CODE_MEF>10210001110</CODE_MEF>
          <CODE_STRUCTURE>OLD</CODE_STRUCTURE>
        </SCOLARITE_AN_DERNIER>
      </ELEVE>"""
        )
        if s.get("division"):
            structures.append(
                f"""      <STRUCTURES_ELEVE ELEVE_ID="{eleve_id}" ELENOET="{1000 + number}">
        <STRUCTURE>
          <CODE_STRUCTURE>{s["division"]}</CODE_STRUCTURE>
          <TYPE_STRUCTURE>D</TYPE_STRUCTURE>
        </STRUCTURE>
        <STRUCTURE>
          <CODE_STRUCTURE>LV2ESP</CODE_STRUCTURE>
          <TYPE_STRUCTURE>G</TYPE_STRUCTURE>
        </STRUCTURE>
      </STRUCTURES_ELEVE>"""
            )
    text = f"""<?xml version="1.0" encoding="{encoding}"?>
<BEE_ELEVES VERSION="3.1">
  <PARAMETRES>
    <UAJ>{uai}</UAJ>
    <ANNEE_SCOLAIRE>2025</ANNEE_SCOLAIRE>
    <DATE_EXPORT>15/10/2025</DATE_EXPORT>
    <HORODATAGE>15/10/2025 10:12:44</HORODATAGE>
  </PARAMETRES>
  <DONNEES>
    <ELEVES>
{chr(10).join(eleves)}
    </ELEVES>
    <OPTIONS>
      <OPTION ELEVE_ID="0001" ELENOET="1001">
        <OPTIONS_ELEVE><NUM_OPTION>1</NUM_OPTION><CODE_MATIERE>030201</CODE_MATIERE></OPTIONS_ELEVE>
      </OPTION>
    </OPTIONS>
    <STRUCTURES>
{chr(10).join(structures)}
    </STRUCTURES>
  </DONNEES>
</BEE_ELEVES>
"""
    return text.encode("iso-8859-15" if encoding == "ISO-8859-15" else encoding)


def excel_csv(lines: list[list[str]]) -> bytes:
    """A `;` CSV in Windows-1252 with a BOM and CRLF, as a French spreadsheet may save it."""
    text = "\r\n".join(";".join(cells) for cells in lines) + "\r\n"
    return b"\xef\xbb\xbf" + text.encode("cp1252")
