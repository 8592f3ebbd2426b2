<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="fr">
<context>
    <name>ActionDialog</name>
    <message>
        <source>Annuler</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>AlertDialog</name>
    <message>
        <source>Traiter le signalement</source>
        <translation>Handle the alert</translation>
    </message>
    <message>
        <source>{name} signale un problème sur la question affichée. Allez voir son écran, puis validez (la question est remplacée par une autre) ou rejetez (le candidat reprend la même question).</source>
        <translation>{name} reports a problem with the question on screen. Go and look at the screen, then validate (the question is replaced by another) or dismiss (the candidate goes back to the same question).</translation>
    </message>
    <message>
        <source>Confirmer</source>
        <translation>Confirm</translation>
    </message>
    <message>
        <source>Valider : la question sera remplacée</source>
        <translation>Validate: the question will be replaced</translation>
    </message>
    <message>
        <source>Rejeter : le candidat reprend la question</source>
        <translation>Dismiss: the candidate goes back to the question</translation>
    </message>
    <message>
        <source>Nature du problème</source>
        <translation>Kind of problem</translation>
    </message>
    <message>
        <source>Nature du problème…</source>
        <translation>Kind of problem…</translation>
    </message>
    <message>
        <source>Choisissez de valider ou de rejeter le signalement.</source>
        <translation>Choose to validate or to dismiss the alert.</translation>
    </message>
    <message>
        <source>Choisissez la nature du problème.</source>
        <translation>Choose the kind of problem.</translation>
    </message>
</context>
<context>
    <name>CandidatePanel</name>
    <message>
        <source>Aucun candidat choisi</source>
        <translation>No candidate chosen</translation>
    </message>
    <message>
        <source>Choisissez une ligne du tableau (flèches ↑ ↓).</source>
        <translation>Choose a row of the table (arrow keys ↑ ↓).</translation>
    </message>
    <message>
        <source>Né(e) le {date}</source>
        <translation>Born on {date}</translation>
    </message>
    <message>
        <source>Poste : {device}</source>
        <translation>Device: {device}</translation>
    </message>
    <message>
        <source>Logiciel du poste : autorisé (« {label} »)</source>
        <translation>Kiosk software: approved (“{label}”)</translation>
    </message>
    <message>
        <source>Logiciel du poste : accepté</source>
        <translation>Kiosk software: accepted</translation>
    </message>
    <message>
        <source>Clé de configuration {config}, version {version}</source>
        <translation>Configuration key {config}, version {version}</translation>
    </message>
    <message>
        <source>Tiers-temps : {n} %</source>
        <translation>Extra time: {n} %</translation>
    </message>
    <message>
        <source>Aménagements d&apos;accessibilité</source>
        <translation>Accessibility adjustments</translation>
    </message>
    <message>
        <source>Questions : {n} / {total} · test terminé</source>
        <translation>Questions: {n} / {total} · test finished</translation>
    </message>
    <message>
        <source>Questions : {n} / {total} · temps restant : {left}</source>
        <translation>Questions: {n} / {total} · time left: {left}</translation>
    </message>
    <message>
        <source>Verrouillé : {reason}</source>
        <translation>Locked: {reason}</translation>
    </message>
    <message>
        <source>Départ refusé par le poste : {reason}</source>
        <translation>The PC refused to start: {reason}</translation>
    </message>
    <message>
        <source>A quitté la fenêtre pendant une question surveillée ({where}, {time})</source>
        <translation>Left the window during a watched question ({where}, {time})</translation>
    </message>
    <message>
        <source>Signalement sur la question en cours</source>
        <translation>Alert on the current question</translation>
    </message>
    <message>
        <source>Résultats refusés par le serveur : {reason}</source>
        <translation>Results refused by the server: {reason}</translation>
    </message>
    <message>
        <source>Résultat mis en revue par le serveur : {reasons}</source>
        <translation>Result held for review by the server: {reasons}</translation>
    </message>
    <message>
        <source>réponses arrivées après l&apos;heure limite</source>
        <translation>answers that arrived after the deadline</translation>
    </message>
    <message>
        <source>poste hors ligne trop longtemps</source>
        <translation>computer offline for too long</translation>
    </message>
    <message>
        <source>journal contredit par le poste</source>
        <translation>journal contradicted by the computer</translation>
    </message>
    <message>
        <source>Autoriser le départ…</source>
        <translation>Authorise the start…</translation>
    </message>
    <message>
        <source>Autoriser la reprise…</source>
        <translation>Authorise the resume…</translation>
    </message>
    <message>
        <source>Traiter le signalement…</source>
        <translation>Handle the alert…</translation>
    </message>
    <message>
        <source>Déverrouiller le poste…</source>
        <translation>Unlock the kiosk…</translation>
    </message>
    <message>
        <source>Mettre en pause</source>
        <translation>Pause</translation>
    </message>
    <message>
        <source>Reprendre</source>
        <translation>Resume</translation>
    </message>
    <message>
        <source>Ajouter du temps…</source>
        <translation>Add time…</translation>
    </message>
    <message>
        <source>Arrêter le test…</source>
        <translation>End the test…</translation>
    </message>
    <message>
        <source>Déclarer absent…</source>
        <translation>Mark absent…</translation>
    </message>
    <message>
        <source>Changer de poste…</source>
        <translation>Move to another computer…</translation>
    </message>
    <message>
        <source>Signaler un problème…</source>
        <translation>Report an issue…</translation>
    </message>
    <message>
        <source>Détails du candidat choisi</source>
        <translation>Details of the chosen candidate</translation>
    </message>
</context>
<context>
    <name>ClosingScreen</name>
    <message>
        <source>Aucun incident signalé.</source>
        <translation>No incident reported.</translation>
    </message>
    <message>
        <source>Temps supplémentaire accordé</source>
        <translation>Extra time given</translation>
    </message>
    <message>
        <source>Déclaré absent</source>
        <translation>Marked absent</translation>
    </message>
    <message>
        <source>{count} / 2 000 caractères</source>
        <translation>{count} / 2,000 characters</translation>
    </message>
    <message>
        <source>— trop long : raccourcissez vos remarques pour finaliser.</source>
        <translation>— too long: shorten your remarks to finalise.</translation>
    </message>
    <message>
        <source>✗ {name} : {status}</source>
        <translation>✗ {name}: {status}</translation>
    </message>
    <message>
        <source>Seront déclarés absents : {names}</source>
        <translation>Will be marked absent: {names}</translation>
    </message>
    <message>
        <source>Résultats pas encore reçus (ils resteront en attente) : {names}</source>
        <translation>Results not received yet (they will stay pending): {names}</translation>
    </message>
    <message>
        <source>✓ Tous les candidats ont terminé ou sont absents.</source>
        <translation>✓ Every candidate has finished or is absent.</translation>
    </message>
    <message>
        <source>Finalisation impossible : terminez ces tests (ou attendez leurs résultats) ou déclarez ces candidats absents.</source>
        <translation>Cannot finalise yet: end these tests (or wait for their results) or mark these candidates absent.</translation>
    </message>
    <message>
        <source>Session en cours : vérifiez puis finalisez.</source>
        <translation>Session open: check, then finalise.</translation>
    </message>
    <message>
        <source>Résultats publiés : les certificats sont disponibles.</source>
        <translation>Results published: the certificates are available.</translation>
    </message>
    <message>
        <source>Session finalisée : elle part en relecture. Le référent de certification de l&apos;établissement publiera les résultats.</source>
        <translation>Session finalised: it goes to review. The school&apos;s certification lead will publish the results.</translation>
    </message>
    <message>
        <source>Facultatif, imprimées sur le procès-verbal : incident non signalé, matériel à vérifier…</source>
        <translation>Optional, printed on the attendance report: an incident not reported, equipment to check…</translation>
    </message>
    <message>
        <source>Remarques enregistrées à la finalisation, imprimées sur le procès-verbal.</source>
        <translation>Remarks saved at finalisation, printed on the attendance report.</translation>
    </message>
    <message>
        <source>Aucune remarque pour l&apos;instant.</source>
        <translation>No remarks yet.</translation>
    </message>
    <message>
        <source>Aucune remarque.</source>
        <translation>No remarks.</translation>
    </message>
    <message>
        <source>Fin de session</source>
        <translation>End of session</translation>
    </message>
    <message>
        <source>Candidats</source>
        <translation>Candidates</translation>
    </message>
    <message>
        <source>Incidents et signalements</source>
        <translation>Incidents and issue reports</translation>
    </message>
    <message>
        <source>Résultats</source>
        <translation>Results</translation>
    </message>
    <message>
        <source>Candidat</source>
        <translation>Candidate</translation>
    </message>
    <message>
        <source>Certification</source>
        <translation>Certification</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>Score</translation>
    </message>
    <message>
        <source>Niveau global</source>
        <translation>Global level</translation>
    </message>
    <message>
        <source>Code de vérification</source>
        <translation>Verification code</translation>
    </message>
    <message>
        <source>Finaliser la session…</source>
        <translation>Finalise the session…</translation>
    </message>
    <message>
        <source>Procès-verbal (PDF)</source>
        <translation>Attendance report (PDF)</translation>
    </message>
    <message>
        <source>Retour à la salle</source>
        <translation>Back to the room</translation>
    </message>
    <message>
        <source>Remarques sur la session</source>
        <translation>Session remarks</translation>
    </message>
    <message>
        <source>Imprimées sur le procès-verbal ; 2 000 caractères au plus.</source>
        <translation>Printed on the attendance report; 2,000 characters at most.</translation>
    </message>
</context>
<context>
    <name>ConsoleController</name>
    <message>
        <source>Session {number} · {centre} · {room}</source>
        <translation>Session {number} · {centre} · {room}</translation>
    </message>
    <message>
        <source>Départ autorisé : {name}</source>
        <translation>Start authorised: {name}</translation>
    </message>
    <message>
        <source>Reprise autorisée : {name}</source>
        <translation>Resume authorised: {name}</translation>
    </message>
    <message>
        <source>En pause : {name}</source>
        <translation>Paused: {name}</translation>
    </message>
    <message>
        <source>Reprise : {name}</source>
        <translation>Resumed: {name}</translation>
    </message>
    <message>
        <source>{n} min ajoutées : {name}</source>
        <translation>{n} min added: {name}</translation>
    </message>
    <message>
        <source>Test arrêté ({reason}) : {name}</source>
        <translation>Test ended ({reason}): {name}</translation>
    </message>
    <message>
        <source>Signalement validé, question remplacée : {name}</source>
        <translation>Alert validated, question replaced: {name}</translation>
    </message>
    <message>
        <source>Signalement rejeté : {name}</source>
        <translation>Alert dismissed: {name}</translation>
    </message>
    <message>
        <source>Déverrouiller le poste</source>
        <translation>Unlock the kiosk</translation>
    </message>
    <message>
        <source>Le poste de {name} s&apos;est verrouillé : {reason}. Assurez-vous que le candidat peut reprendre normalement avant de déverrouiller ; l&apos;incident reste au procès-verbal.</source>
        <translation>{name}&apos;s kiosk locked itself: {reason}. Make sure the candidate can carry on normally before unlocking; the incident stays in the report.</translation>
    </message>
    <message>
        <source>Déverrouiller</source>
        <translation>Unlock</translation>
    </message>
    <message>
        <source>Poste déverrouillé : {name}</source>
        <translation>Kiosk unlocked: {name}</translation>
    </message>
    <message>
        <source>Déclarer absent</source>
        <translation>Mark absent</translation>
    </message>
    <message>
        <source>{name} sera déclaré absent et ne pourra plus commencer le test dans cette session. Cette décision est définitive.</source>
        <translation>{name} will be marked absent and can no longer start the test in this session. This cannot be undone.</translation>
    </message>
    <message>
        <source>Déclaré absent : {name}</source>
        <translation>Marked absent: {name}</translation>
    </message>
    <message>
        <source>Changer de poste</source>
        <translation>Move to another computer</translation>
    </message>
    <message>
        <source>{name} est enregistré sur le poste {device}. Son enregistrement sera annulé : il pourra s&apos;enregistrer à nouveau sur le poste de votre choix, et sur aucun autre d&apos;ici là. Le changement est consigné au journal de sécurité.</source>
        <translation>{name} is checked in on computer {device}. The check-in will be undone: the candidate can then check in again on the computer of your choice, and on no other until then. The change is written to the security log.</translation>
    </message>
    <message>
        <source>Enregistrement annulé, à refaire sur un autre poste : {name}</source>
        <translation>Check-in undone, to be done again on another computer: {name}</translation>
    </message>
    <message>
        <source>Signalement enregistré : {name}</source>
        <translation>Issue report saved: {name}</translation>
    </message>
    <message>
        <source>Tout mettre en pause</source>
        <translation>Pause everyone</translation>
    </message>
    <message>
        <source>Tous les tests en cours s&apos;arrêtent ; leur chronomètre aussi.</source>
        <translation>Every running test stops, and so does its clock.</translation>
    </message>
    <message>
        <source>Toute la salle est en pause.</source>
        <translation>The whole room is paused.</translation>
    </message>
    <message>
        <source>Tout reprendre</source>
        <translation>Resume everyone</translation>
    </message>
    <message>
        <source>Tous les tests en pause reprennent ; leur chronomètre aussi.</source>
        <translation>Every paused test resumes, and so does its clock.</translation>
    </message>
    <message>
        <source>Toute la salle reprend.</source>
        <translation>The whole room resumes.</translation>
    </message>
    <message>
        <source>Finaliser la session</source>
        <translation>Finalise the session</translation>
    </message>
    <message>
        <source>La session sera close : plus aucune action d&apos;examen, les candidats non arrivés déclarés absents, les résultats recalculés avec les signalements. C&apos;est définitif.</source>
        <translation>The session will be closed: no more exam actions, candidates who never came marked absent, results recomputed with the issue reports. This cannot be undone.</translation>
    </message>
    <message>
        <source>Finaliser</source>
        <translation>Finalise</translation>
    </message>
    <message>
        <source>Session finalisée.</source>
        <translation>Session finalised.</translation>
    </message>
    <message>
        <source>Impossible d&apos;enregistrer {path} : {reason}</source>
        <translation>Cannot save {path}: {reason}</translation>
    </message>
    <message>
        <source>PDF enregistré : {path}</source>
        <translation>PDF saved: {path}</translation>
    </message>
    <message>
        <source>Lecture impossible de {path} : {reason}</source>
        <translation>Cannot read {path}: {reason}</translation>
    </message>
    <message>
        <source>ligne {line} : {message}</source>
        <translation>line {line}: {message}</translation>
    </message>
</context>
<context>
    <name>ConsoleWindow</name>
    <message>
        <source>Console surveillant — certification numérique</source>
        <translation>Invigilator console — digital skills certification</translation>
    </message>
    <message>
        <source>Console surveillant</source>
        <translation>Invigilator console</translation>
    </message>
    <message>
        <source>Grands caractères</source>
        <translation>Large type</translation>
    </message>
    <message>
        <source>Agrandit le texte pour le lire de loin.</source>
        <translation>Enlarges the text to read it from afar.</translation>
    </message>
</context>
<context>
    <name>EndTestDialog</name>
    <message>
        <source>Arrêter le test</source>
        <translation>End the test</translation>
    </message>
    <message>
        <source>Le test de {name} s&apos;arrête définitivement après {n} réponse(s) sur {total}. Moins de 20 réponses : la certification est rejetée (annulée si le problème est technique).</source>
        <translation>{name}&apos;s test ends for good after {n} answer(s) out of {total}. Fewer than 20 answers: the certification is rejected (cancelled if the problem is technical).</translation>
    </message>
    <message>
        <source>Motif de l&apos;arrêt</source>
        <translation>Reason for ending</translation>
    </message>
    <message>
        <source>Choisissez le motif de l&apos;arrêt.</source>
        <translation>Choose the reason for ending the test.</translation>
    </message>
</context>
<context>
    <name>ExtraTimeDialog</name>
    <message>
        <source>Ajouter du temps</source>
        <translation>Add time</translation>
    </message>
    <message>
        <source>Le temps ajouté à {name} s&apos;affiche aussitôt sur son poste. Il ne pourra pas être retiré.</source>
        <translation>The time added for {name} shows on their kiosk at once. It cannot be taken back.</translation>
    </message>
    <message>
        <source>Ajouter</source>
        <translation>Add</translation>
    </message>
    <message>
        <source>Minutes à ajouter</source>
        <translation>Minutes to add</translation>
    </message>
</context>
<context>
    <name>IdentityCheckDialog</name>
    <message>
        <source>Autoriser la reprise</source>
        <translation>Authorise the resume</translation>
    </message>
    <message>
        <source>Autoriser le départ</source>
        <translation>Authorise the start</translation>
    </message>
    <message>
        <source>Vérifiez la pièce d&apos;identité du candidat assis au poste {device} : le nom et la date de naissance doivent être ceux-ci.</source>
        <translation>Check the ID of the candidate sitting at kiosk {device}: the name and birth date must be these.</translation>
    </message>
    <message>
        <source>tiers-temps {n} %</source>
        <translation>extra time {n} %</translation>
    </message>
    <message>
        <source>aménagements d&apos;accessibilité</source>
        <translation>accessibility adjustments</translation>
    </message>
    <message>
        <source>Prévu pour ce candidat : {needs}.</source>
        <translation>Planned for this candidate: {needs}.</translation>
    </message>
    <message>
        <source>J&apos;ai vérifié l&apos;identité du candidat</source>
        <translation>I have checked the candidate&apos;s identity</translation>
    </message>
    <message>
        <source>Cochez la case une fois l&apos;identité vérifiée.</source>
        <translation>Tick the box once the identity is checked.</translation>
    </message>
</context>
<context>
    <name>IssueReportDialog</name>
    <message>
        <source>Signaler un problème</source>
        <translation>Report an issue</translation>
    </message>
    <message>
        <source>Ce signalement concernant {name} figurera au procès-verbal. Un problème sur une question peut la neutraliser au moment de la finalisation.</source>
        <translation>This report about {name} will appear in the attendance report. A problem with a question may neutralise it at finalisation.</translation>
    </message>
    <message>
        <source>Enregistrer le signalement</source>
        <translation>Save the report</translation>
    </message>
    <message>
        <source>Catégorie</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>Catégorie…</source>
        <translation>Category…</translation>
    </message>
    <message>
        <source>Nature du problème sur la question</source>
        <translation>Kind of problem with the question</translation>
    </message>
    <message>
        <source>Nature du problème…</source>
        <translation>Kind of problem…</translation>
    </message>
    <message>
        <source>Numéro de la question</source>
        <translation>Question number</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Description</translation>
    </message>
    <message>
        <source>Choisissez une catégorie.</source>
        <translation>Choose a category.</translation>
    </message>
    <message>
        <source>Choisissez la nature du problème sur la question.</source>
        <translation>Choose the kind of problem with the question.</translation>
    </message>
    <message>
        <source>Décrivez ce qui s&apos;est passé.</source>
        <translation>Describe what happened.</translation>
    </message>
    <message>
        <source>La description est trop longue ({n} caractères au plus).</source>
        <translation>The description is too long ({n} characters at most).</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <source>Pas arrivé</source>
        <translation>Not arrived</translation>
    </message>
    <message>
        <source>Attend l&apos;autorisation</source>
        <translation>Waiting for authorisation</translation>
    </message>
    <message>
        <source>Attend la reprise</source>
        <translation>Waiting to resume</translation>
    </message>
    <message>
        <source>Autorisé, démarre…</source>
        <translation>Authorised, starting…</translation>
    </message>
    <message>
        <source>En cours</source>
        <translation>In progress</translation>
    </message>
    <message>
        <source>En pause</source>
        <translation>Paused</translation>
    </message>
    <message>
        <source>Poste verrouillé</source>
        <translation>Kiosk locked</translation>
    </message>
    <message>
        <source>Départ refusé</source>
        <translation>Start refused</translation>
    </message>
    <message>
        <source>Signalement</source>
        <translation>Live alert</translation>
    </message>
    <message>
        <source>Terminé</source>
        <translation>Finished</translation>
    </message>
    <message>
        <source>Résultats reçus</source>
        <translation>Results received</translation>
    </message>
    <message>
        <source>Résultats refusés</source>
        <translation>Results rejected</translation>
    </message>
    <message>
        <source>Absent</source>
        <translation>Absent</translation>
    </message>
    <message>
        <source>Abandon du candidat</source>
        <translation>Candidate&apos;s choice</translation>
    </message>
    <message>
        <source>Problème technique</source>
        <translation>Technical problem</translation>
    </message>
    <message>
        <source>Problème de signature</source>
        <translation>Signature issue</translation>
    </message>
    <message>
        <source>Modification des informations du candidat</source>
        <translation>Change to the candidate&apos;s details</translation>
    </message>
    <message>
        <source>Problème sur une question</source>
        <translation>Problem with a question</translation>
    </message>
    <message>
        <source>Suspicion de fraude</source>
        <translation>Suspected fraud</translation>
    </message>
    <message>
        <source>Incident non bloquant (candidat)</source>
        <translation>Non-blocking issue (candidate)</translation>
    </message>
    <message>
        <source>Incident technique non bloquant</source>
        <translation>Non-blocking technical issue</translation>
    </message>
    <message>
        <source>L&apos;image ne s&apos;affiche pas</source>
        <translation>The image does not display</translation>
    </message>
    <message>
        <source>Le simulateur ne fonctionne pas</source>
        <translation>The embedded content does not work</translation>
    </message>
    <message>
        <source>Le fichier ne s&apos;ouvre pas</source>
        <translation>The file does not open</translation>
    </message>
    <message>
        <source>Le site est indisponible</source>
        <translation>The website is unavailable</translation>
    </message>
    <message>
        <source>Le site est bloqué</source>
        <translation>The website is blocked</translation>
    </message>
    <message>
        <source>Le logiciel ne fonctionne pas</source>
        <translation>The software does not work</translation>
    </message>
    <message>
        <source>Le temps de la question est dépassé (tiers-temps)</source>
        <translation>The question&apos;s time ran out (extra time)</translation>
    </message>
    <message>
        <source>Problème d&apos;accessibilité</source>
        <translation>Accessibility issue</translation>
    </message>
    <message>
        <source>Question passée à cause d&apos;un incident</source>
        <translation>Question skipped because of a glitch</translation>
    </message>
    <message>
        <source>Sortie involontaire du test</source>
        <translation>Unintentional exit from the test</translation>
    </message>
    <message>
        <source>Validée</source>
        <translation>Validated</translation>
    </message>
    <message>
        <source>Rejetée</source>
        <translation>Rejected</translation>
    </message>
    <message>
        <source>Annulée</source>
        <translation>Cancelled</translation>
    </message>
    <message>
        <source>En attente</source>
        <translation>Pending</translation>
    </message>
    <message>
        <source>Aucun niveau</source>
        <translation>No level</translation>
    </message>
    <message>
        <source>Novice 1</source>
        <translation>Novice 1</translation>
    </message>
    <message>
        <source>Novice 2</source>
        <translation>Novice 2</translation>
    </message>
    <message>
        <source>Indépendant 1</source>
        <translation>Independent 1</translation>
    </message>
    <message>
        <source>Indépendant 2</source>
        <translation>Independent 2</translation>
    </message>
    <message>
        <source>Avancé 1</source>
        <translation>Advanced 1</translation>
    </message>
    <message>
        <source>Avancé 2</source>
        <translation>Advanced 2</translation>
    </message>
    <message>
        <source>Expert 1</source>
        <translation>Expert 1</translation>
    </message>
    <message>
        <source>a quitté la fenêtre du test</source>
        <translation>left the test window</translation>
    </message>
    <message>
        <source>a réduit la fenêtre du test</source>
        <translation>minimised the test window</translation>
    </message>
    <message>
        <source>a quitté le plein écran</source>
        <translation>left full screen</translation>
    </message>
    <message>
        <source>une autre fenêtre est passée devant le test</source>
        <translation>another window came over the test</translation>
    </message>
    <message>
        <source>a tenté de fermer le test</source>
        <translation>tried to close the test</translation>
    </message>
    <message>
        <source>a utilisé un raccourci interdit (Alt+Tab…)</source>
        <translation>used a forbidden shortcut (Alt+Tab…)</translation>
    </message>
    <message>
        <source>un écran a été branché ou débranché</source>
        <translation>a screen was plugged in or out</translation>
    </message>
    <message>
        <source>un logiciel interdit est ouvert</source>
        <translation>a forbidden program is open</translation>
    </message>
    <message>
        <source>prise de contrôle à distance détectée</source>
        <translation>remote control detected</translation>
    </message>
    <message>
        <source>machine virtuelle détectée</source>
        <translation>virtual machine detected</translation>
    </message>
    <message>
        <source>le clavier n&apos;a pas pu être verrouillé</source>
        <translation>the keyboard could not be locked</translation>
    </message>
    <message>
        <source>l&apos;écran n&apos;a pas pu être protégé des captures</source>
        <translation>the screen could not be protected from capture</translation>
    </message>
    <message>
        <source>Signalement en direct</source>
        <translation>Live alert</translation>
    </message>
    <message>
        <source>Départ refusé par le poste</source>
        <translation>Start refused by the PC</translation>
    </message>
    <message>
        <source>Fenêtre quittée pendant une question surveillée</source>
        <translation>Window left during a watched question</translation>
    </message>
    <message>
        <source>Test arrêté avant la fin</source>
        <translation>Test ended early</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pause</translation>
    </message>
    <message>
        <source>validé, question remplacée</source>
        <translation>validated, question replaced</translation>
    </message>
    <message>
        <source>rejeté</source>
        <translation>dismissed</translation>
    </message>
    <message>
        <source>déverrouillé</source>
        <translation>unlocked</translation>
    </message>
    <message>
        <source>résolu</source>
        <translation>resolved</translation>
    </message>
    <message>
        <source>non traité</source>
        <translation>not handled</translation>
    </message>
</context>
<context>
    <name>LeadScreen</name>
    <message>
        <source>Espace responsable de session</source>
        <translation>Session lead area</translation>
    </message>
    <message>
        <source>Avant le jour de l&apos;examen : créez la session, importez les candidats, puis imprimez la fiche de session pour les surveillants.</source>
        <translation>Before exam day: create the session, import the candidates, then print the session sheet for the invigilators.</translation>
    </message>
    <message>
        <source>Retour à la connexion surveillant</source>
        <translation>Back to the invigilator sign-in</translation>
    </message>
    <message>
        <source>Adresse du serveur</source>
        <translation>Server address</translation>
    </message>
    <message>
        <source>Jeton administrateur</source>
        <translation>Admin token</translation>
    </message>
    <message>
        <source>Le contenu du fichier admin.token du dossier de données du serveur.</source>
        <translation>The content of the admin.token file in the server&apos;s data directory.</translation>
    </message>
    <message>
        <source>Se connecter</source>
        <translation>Sign in</translation>
    </message>
    <message>
        <source>1. Créer une session</source>
        <translation>1. Create a session</translation>
    </message>
    <message>
        <source>Centre (établissement)</source>
        <translation>Centre (school)</translation>
    </message>
    <message>
        <source>Salle</source>
        <translation>Room</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>JJ/MM/AAAA</source>
        <translation>DD/MM/YYYY</translation>
    </message>
    <message>
        <source>Heure de début</source>
        <translation>Start time</translation>
    </message>
    <message>
        <source>HH:MM</source>
        <translation>HH:MM</translation>
    </message>
    <message>
        <source>Surveillant(s)</source>
        <translation>Invigilator(s)</translation>
    </message>
    <message>
        <source>Mode d&apos;examen</source>
        <translation>Exam mode</translation>
    </message>
    <message>
        <source>Standard</source>
        <translation>Standard</translation>
    </message>
    <message>
        <source>Compatible Pix</source>
        <translation>Pix-compatible</translation>
    </message>
    <message>
        <source>Créer la session</source>
        <translation>Create the session</translation>
    </message>
    <message>
        <source>2. Importer les candidats</source>
        <translation>2. Import the candidates</translation>
    </message>
    <message>
        <source>Numéro de session</source>
        <translation>Session number</translation>
    </message>
    <message>
        <source>Fichier CSV des candidats</source>
        <translation>Candidates&apos; CSV file</translation>
    </message>
    <message>
        <source>Colonnes : nom, prenoms, date_naissance (JJ/MM/AAAA), ine, tiers_temps_pourcent, amenagement_accessibilite (oui/non).</source>
        <translation>Columns: last_name, first_names, birth_date (YYYY-MM-DD), ine, extra_time_percent, accessibility_adjustment (true/false) — or the French header.</translation>
    </message>
    <message>
        <source>Connecté au serveur {url}.</source>
        <translation>Connected to the server {url}.</translation>
    </message>
    <message>
        <source>Parcourir…</source>
        <translation>Browse…</translation>
    </message>
    <message>
        <source>Importer</source>
        <translation>Import</translation>
    </message>
    <message>
        <source>Lignes refusées</source>
        <translation>Refused lines</translation>
    </message>
    <message>
        <source>3. Imprimer la fiche de session</source>
        <translation>3. Print the session sheet</translation>
    </message>
    <message>
        <source>Langue du document</source>
        <translation>Document language</translation>
    </message>
    <message>
        <source>Enregistrer la fiche (PDF)</source>
        <translation>Save the sheet (PDF)</translation>
    </message>
    <message>
        <source>Indiquez l&apos;adresse du serveur.</source>
        <translation>Enter the server address.</translation>
    </message>
    <message>
        <source>Collez le jeton administrateur.</source>
        <translation>Paste the admin token.</translation>
    </message>
    <message>
        <source>Indiquez le centre.</source>
        <translation>Enter the centre.</translation>
    </message>
    <message>
        <source>Indiquez la salle.</source>
        <translation>Enter the room.</translation>
    </message>
    <message>
        <source>Fichiers CSV (*.csv)</source>
        <translation>CSV files (*.csv)</translation>
    </message>
    <message>
        <source>Indiquez le numéro de session.</source>
        <translation>Enter the session number.</translation>
    </message>
    <message>
        <source>Choisissez le fichier CSV.</source>
        <translation>Choose the CSV file.</translation>
    </message>
    <message>
        <source>Session {number} créée.
Code d&apos;accès candidats : {access}
Code surveillant : {code}</source>
        <translation>Session {number} created.
Candidates&apos; access code: {access}
Invigilator code: {code}</translation>
    </message>
    <message>
        <source>{n} candidat(s) importé(s).</source>
        <translation>{n} candidate(s) imported.</translation>
    </message>
</context>
<context>
    <name>RoomCounts</name>
    <message>
        <source>{n} pas arrivé</source>
        <translation>{n} not arrived</translation>
    </message>
    <message>
        <source>{n} pas arrivés</source>
        <translation>{n} not arrived</translation>
    </message>
    <message>
        <source>{n} attend l&apos;autorisation</source>
        <translation>{n} waiting for authorisation</translation>
    </message>
    <message>
        <source>{n} attendent l&apos;autorisation</source>
        <translation>{n} waiting for authorisation</translation>
    </message>
    <message>
        <source>{n} démarre</source>
        <translation>{n} starting</translation>
    </message>
    <message>
        <source>{n} démarrent</source>
        <translation>{n} starting</translation>
    </message>
    <message>
        <source>{n} en cours</source>
        <translation>{n} in progress</translation>
    </message>
    <message>
        <source>{n} en pause</source>
        <translation>{n} paused</translation>
    </message>
    <message>
        <source>{n} poste verrouillé</source>
        <translation>{n} kiosk locked</translation>
    </message>
    <message>
        <source>{n} postes verrouillés</source>
        <translation>{n} kiosks locked</translation>
    </message>
    <message>
        <source>{n} départ refusé</source>
        <translation>{n} start refused</translation>
    </message>
    <message>
        <source>{n} départs refusés</source>
        <translation>{n} starts refused</translation>
    </message>
    <message>
        <source>{n} signalement</source>
        <translation>{n} live alert</translation>
    </message>
    <message>
        <source>{n} signalements</source>
        <translation>{n} live alerts</translation>
    </message>
    <message>
        <source>{n} terminé</source>
        <translation>{n} finished</translation>
    </message>
    <message>
        <source>{n} terminés</source>
        <translation>{n} finished</translation>
    </message>
    <message>
        <source>{n} résultat reçu</source>
        <translation>{n} result received</translation>
    </message>
    <message>
        <source>{n} résultats reçus</source>
        <translation>{n} results received</translation>
    </message>
    <message>
        <source>{n} résultat refusé</source>
        <translation>{n} result rejected</translation>
    </message>
    <message>
        <source>{n} résultats refusés</source>
        <translation>{n} results rejected</translation>
    </message>
    <message>
        <source>{n} absent</source>
        <translation>{n} absent</translation>
    </message>
    <message>
        <source>{n} absents</source>
        <translation>{n} absent</translation>
    </message>
    <message>
        <source>Aucun candidat inscrit dans cette session.</source>
        <translation>No candidate registered in this session.</translation>
    </message>
    <message>
        <source>{n} candidat : {summary}</source>
        <translation>{n} candidate: {summary}</translation>
    </message>
    <message>
        <source>{n} candidats : {summary}</source>
        <translation>{n} candidates: {summary}</translation>
    </message>
</context>
<context>
    <name>RoomScreen</name>
    <message>
        <source>● Connecté</source>
        <translation>● Connected</translation>
    </message>
    <message>
        <source>● Connexion perdue : {reason}</source>
        <translation>● Connection lost: {reason}</translation>
    </message>
    <message>
        <source>À traiter maintenant ({n}) : {names}</source>
        <translation>To handle now ({n}): {names}</translation>
    </message>
    <message>
        <source>Fenêtre quittée pendant une question surveillée : {who}</source>
        <translation>Window left during a watched question: {who}</translation>
    </message>
    <message>
        <source>Voir</source>
        <translation>Show</translation>
    </message>
    <message>
        <source>Aller au premier candidat à traiter</source>
        <translation>Go to the first candidate to handle</translation>
    </message>
    <message>
        <source>Tout mettre en pause</source>
        <translation>Pause everyone</translation>
    </message>
    <message>
        <source>Tout reprendre</source>
        <translation>Resume everyone</translation>
    </message>
    <message>
        <source>Fin de session…</source>
        <translation>End of session…</translation>
    </message>
    <message>
        <source>Candidats de la salle</source>
        <translation>Candidates in the room</translation>
    </message>
</context>
<context>
    <name>RoomTableModel</name>
    <message>
        <source>Candidat</source>
        <translation>Candidate</translation>
    </message>
    <message>
        <source>État</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Questions</source>
        <translation>Questions</translation>
    </message>
    <message>
        <source>Temps restant</source>
        <translation>Time left</translation>
    </message>
    <message>
        <source>Poste</source>
        <translation>Device</translation>
    </message>
    <message>
        <source>Contact</source>
        <translation>Contact</translation>
    </message>
    <message>
        <source>Temps écoulé depuis la dernière requête du poste au serveur</source>
        <translation>Time since the kiosk&apos;s last request to the server</translation>
    </message>
    <message>
        <source>{name} · tiers-temps</source>
        <translation>{name} · extra time</translation>
    </message>
    <message>
        <source>Né(e) le {date}</source>
        <translation>Born on {date}</translation>
    </message>
</context>
<context>
    <name>SignInScreen</name>
    <message>
        <source>Console surveillant</source>
        <translation>Invigilator console</translation>
    </message>
    <message>
        <source>Saisissez le numéro de session et le code surveillant inscrits sur la fiche de session.</source>
        <translation>Enter the session number and the invigilator code printed on the session sheet.</translation>
    </message>
    <message>
        <source>Adresse du serveur</source>
        <translation>Server address</translation>
    </message>
    <message>
        <source>Fournie par le service informatique.</source>
        <translation>Given by the IT staff.</translation>
    </message>
    <message>
        <source>Numéro de session</source>
        <translation>Session number</translation>
    </message>
    <message>
        <source>Par exemple : 482913</source>
        <translation>For example: 482913</translation>
    </message>
    <message>
        <source>Code surveillant</source>
        <translation>Invigilator code</translation>
    </message>
    <message>
        <source>6 caractères, majuscules et minuscules comptent.</source>
        <translation>6 characters; upper and lower case matter.</translation>
    </message>
    <message>
        <source>Afficher le code</source>
        <translation>Show the code</translation>
    </message>
    <message>
        <source>Se connecter</source>
        <translation>Sign in</translation>
    </message>
    <message>
        <source>Espace responsable de session</source>
        <translation>Session lead area</translation>
    </message>
    <message>
        <source>Indiquez l&apos;adresse du serveur.</source>
        <translation>Enter the server address.</translation>
    </message>
    <message>
        <source>Indiquez le numéro de session.</source>
        <translation>Enter the session number.</translation>
    </message>
    <message>
        <source>Indiquez le code surveillant.</source>
        <translation>Enter the invigilator code.</translation>
    </message>
    <message>
        <source>Connexion…</source>
        <translation>Signing in…</translation>
    </message>
</context>
</TS>
