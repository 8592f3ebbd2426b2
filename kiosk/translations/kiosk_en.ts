<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="fr">
<context>
    <name>AttachmentViewer</name>
    <message>
        <source>Temps restant : {clock}</source>
        <translation>Time left: {clock}</translation>
    </message>
    <message>
        <source>Question chronométrée : il vous reste {clock} pour y répondre.</source>
        <translation>Timed question: you have {clock} left to answer it.</translation>
    </message>
    <message>
        <source>Le temps de cette question est écoulé.</source>
        <translation>The time for this question is up.</translation>
    </message>
    <message>
        <source>Ce type de fichier ne peut pas être affiché sur ce poste. Revenez à la question et choisissez « Signaler un problème ».</source>
        <translation>This type of file cannot be shown on this computer. Go back to the question and choose “Report a problem”.</translation>
    </message>
    <message>
        <source>← Revenir à la question</source>
        <translation>← Back to the question</translation>
    </message>
    <message>
        <source>Revenir à la question</source>
        <translation>Back to the question</translation>
    </message>
    <message>
        <source>Pièce jointe : {name}</source>
        <translation>Attachment: {name}</translation>
    </message>
</context>
<context>
    <name>CheckInScreen</name>
    <message>
        <source>Bienvenue</source>
        <translation>Welcome</translation>
    </message>
    <message>
        <source>Pour commencer, saisissez les informations données par le surveillant.</source>
        <translation>To begin, type in the details the invigilator gave you.</translation>
    </message>
    <message>
        <source>Numéro de session</source>
        <translation>Session number</translation>
    </message>
    <message>
        <source>Affiché au tableau : 6 chiffres, par exemple 123456.</source>
        <translation>On the board: 6 digits, for example 123456.</translation>
    </message>
    <message>
        <source>Code d&apos;accès</source>
        <translation>Access code</translation>
    </message>
    <message>
        <source>4 lettres puis 2 chiffres, par exemple BCDF23.</source>
        <translation>4 letters then 2 digits, for example BCDF23.</translation>
    </message>
    <message>
        <source>Nom de naissance</source>
        <translation>Last name (at birth)</translation>
    </message>
    <message>
        <source>Comme sur votre pièce d&apos;identité.</source>
        <translation>As on your identity document.</translation>
    </message>
    <message>
        <source>Prénom</source>
        <translation>First name</translation>
    </message>
    <message>
        <source>Votre premier prénom suffit.</source>
        <translation>Your first given name is enough.</translation>
    </message>
    <message>
        <source>Date de naissance</source>
        <translation>Date of birth</translation>
    </message>
    <message>
        <source>Jour, mois, année : par exemple 14/07/2008.</source>
        <translation>Day, month, year: for example 14/07/2008.</translation>
    </message>
    <message>
        <source>JJ/MM/AAAA</source>
        <translation>DD/MM/YYYY</translation>
    </message>
    <message>
        <source>Vérification en cours…</source>
        <translation>Checking…</translation>
    </message>
    <message>
        <source>Continuer</source>
        <translation>Continue</translation>
    </message>
    <message>
        <source>Envoie vos informations pour rejoindre la session.</source>
        <translation>Sends your details to join the session.</translation>
    </message>
    <message>
        <source>Saisissez le numéro de session : il est affiché au tableau.</source>
        <translation>Type in the session number: it is shown on the board.</translation>
    </message>
    <message>
        <source>Le code d&apos;accès compte 6 caractères : 4 lettres puis 2 chiffres.</source>
        <translation>The access code has 6 characters: 4 letters then 2 digits.</translation>
    </message>
    <message>
        <source>Saisissez votre nom de naissance.</source>
        <translation>Type in your last name.</translation>
    </message>
    <message>
        <source>Saisissez votre prénom.</source>
        <translation>Type in your first name.</translation>
    </message>
    <message>
        <source>Saisissez votre date de naissance, par exemple 14/07/2008.</source>
        <translation>Type in your date of birth, for example 14/07/2008.</translation>
    </message>
    <message>
        <source>Écrivez la date au format JJ/MM/AAAA, par exemple 14/07/2008.</source>
        <translation>Write the date as DD/MM/YYYY, for example 14/07/2008.</translation>
    </message>
    <message>
        <source>Cette date n&apos;existe pas : le mois {month} n&apos;existe pas (de 01 à 12). Écrivez le jour, puis le mois, puis l&apos;année, par exemple 14/07/2008.</source>
        <translation>This date does not exist: there is no month {month} (01 to 12). Write the day, then the month, then the year, for example 14/07/2008.</translation>
    </message>
    <message>
        <source>Cette date n&apos;existe pas : le jour 00 n&apos;existe pas. Écrivez le jour, puis le mois, puis l&apos;année, par exemple 14/07/2008.</source>
        <translation>This date does not exist: there is no day 00. Write the day, then the month, then the year, for example 14/07/2008.</translation>
    </message>
    <message>
        <source>Cette date n&apos;existe pas : le {day} {month} n&apos;existe pas en {year}.</source>
        <translation>This date does not exist: there is no {month} {day} in {year}.</translation>
    </message>
    <message>
        <source>Vérifiez l&apos;année de naissance : elle semble incorrecte.</source>
        <translation>Check the year of birth: it looks wrong.</translation>
    </message>
</context>
<context>
    <name>EndScreen</name>
    <message>
        <source>Épreuve terminée</source>
        <translation>Exam finished</translation>
    </message>
    <message>
        <source>Merci {name}. Vos réponses sont enregistrées.</source>
        <translation>Thank you, {name}. Your answers are saved.</translation>
    </message>
    <message>
        <source>Le serveur a refusé de les recevoir : {reason} Appelez le surveillant : elles restent enregistrées sur cet ordinateur.</source>
        <translation>The server refused to receive them: {reason} Call the invigilator: they stay recorded on this computer.</translation>
    </message>
    <message>
        <source>Elles ont bien été transmises. Vous pouvez quitter la salle.</source>
        <translation>They have been sent. You may leave the room.</translation>
    </message>
    <message>
        <source>Elles sont conservées sur cet ordinateur et seront transmises automatiquement dès que le réseau le permettra. Vous pouvez quitter la salle.</source>
        <translation>They are kept on this computer and will be sent automatically as soon as the network allows. You may leave the room.</translation>
    </message>
    <message>
        <source>Vos résultats seront publiés après la validation de la session.</source>
        <translation>Your results will be published once the session is validated.</translation>
    </message>
    <message>
        <source>Revenir à l&apos;accueil pour le candidat suivant</source>
        <translation>Back to the start for the next candidate</translation>
    </message>
</context>
<context>
    <name>InstructionsScreen</name>
    <message>
        <source>h</source>
        <comment>hours in a duration such as 1 h 45</comment>
        <translation>h</translation>
    </message>
    <message>
        <source>Avant de commencer</source>
        <translation>Before you start</translation>
    </message>
    <message>
        <source>Vous disposez de {total}, temps supplémentaire de {extra} compris.</source>
        <translation>You have {total}, including {extra} of extra time.</translation>
    </message>
    <message>
        <source>Vous disposez de {total} au total.</source>
        <translation>You have {total} in all.</translation>
    </message>
    <message>
        <source>Vous allez répondre à {count} questions, une à la fois. Une réponse validée ne peut plus être modifiée.</source>
        <translation>You will answer {count} questions, one at a time. Once confirmed, an answer cannot be changed.</translation>
    </message>
    <message>
        <source>Certaines questions ont leur propre compte à rebours : il s&apos;affiche au-dessus de la question.</source>
        <translation>Some questions have their own countdown: it is shown above the question.</translation>
    </message>
    <message>
        <source>Si vous ne connaissez pas la réponse, choisissez « Je passe ».</source>
        <translation>If you do not know the answer, choose “Skip”.</translation>
    </message>
    <message>
        <source>Une image ne s&apos;affiche pas, un fichier ne s&apos;ouvre pas ? Choisissez « Signaler un problème » et levez la main.</source>
        <translation>An image does not show, a file does not open? Choose “Report a problem” and raise your hand.</translation>
    </message>
    <message>
        <source>Restez dans cette fenêtre : la quitter verrouille l&apos;épreuve et prévient le surveillant.</source>
        <translation>Stay in this window: leaving it locks the exam and alerts the invigilator.</translation>
    </message>
    <message>
        <source>Vous pouvez agrandir le texte avec les boutons « A+ » et « A- ».</source>
        <translation>You can enlarge the text with the “A+” and “A-” buttons.</translation>
    </message>
    <message>
        <source>Commencer l&apos;épreuve</source>
        <translation>Start the exam</translation>
    </message>
    <message>
        <source>Affiche la première question.</source>
        <translation>Shows the first question.</translation>
    </message>
    <message>
        <source>Le temps a commencé à courir ; le temps restant reste affiché en haut de l&apos;écran.</source>
        <translation>The clock has started; the time left is always shown at the top of the screen.</translation>
    </message>
    <message>
        <source>Le temps commence à courir quand vous appuyez sur « Commencer l&apos;épreuve » (au plus tard dans {minutes} minutes) ; le temps restant reste ensuite affiché en haut de l&apos;écran.</source>
        <translation>The clock starts when you press “Start the exam” (within {minutes} minutes at the latest); the time left is then always shown at the top of the screen.</translation>
    </message>
</context>
<context>
    <name>KioskWindow</name>
    <message>
        <source>Certification des compétences numériques</source>
        <translation>Digital skills certification</translation>
    </message>
    <message>
        <source>Certification numérique</source>
        <translation>Digital certification</translation>
    </message>
    <message>
        <source>Réduire la taille du texte</source>
        <translation>Make the text smaller</translation>
    </message>
    <message>
        <source>Agrandir la taille du texte</source>
        <translation>Make the text larger</translation>
    </message>
    <message>
        <source>Contraste élevé</source>
        <translation>High contrast</translation>
    </message>
    <message>
        <source>Affiche le texte en blanc sur fond noir.</source>
        <translation>Shows white text on a black background.</translation>
    </message>
    <message>
        <source>{name} · session {session}</source>
        <translation>{name} · session {session}</translation>
    </message>
</context>
<context>
    <name>LockedScreen</name>
    <message>
        <source>Épreuve verrouillée</source>
        <translation>Exam locked</translation>
    </message>
    <message>
        <source>L&apos;épreuve a été verrouillée car la fenêtre a été quittée. Levez la main : le surveillant va venir la déverrouiller.</source>
        <translation>The exam was locked because the window was left. Raise your hand: the invigilator will come and unlock it.</translation>
    </message>
    <message>
        <source>Vos réponses sont conservées. Vous reprendrez à la même question.</source>
        <translation>Your answers are kept. You will carry on at the same question.</translation>
    </message>
    <message>
        <source>Code surveillant (réservé au surveillant)</source>
        <translation>Invigilator code (for the invigilator only)</translation>
    </message>
    <message>
        <source>Le surveillant saisit ici le code de la session pour déverrouiller.</source>
        <translation>The invigilator types the session code here to unlock.</translation>
    </message>
    <message>
        <source>Vérification en cours…</source>
        <translation>Checking…</translation>
    </message>
    <message>
        <source>Déverrouiller</source>
        <translation>Unlock</translation>
    </message>
    <message>
        <source>Saisissez le code surveillant.</source>
        <translation>Type in the invigilator code.</translation>
    </message>
</context>
<context>
    <name>Months</name>
    <message>
        <source>janvier</source>
        <translation>January</translation>
    </message>
    <message>
        <source>février</source>
        <translation>February</translation>
    </message>
    <message>
        <source>mars</source>
        <translation>March</translation>
    </message>
    <message>
        <source>avril</source>
        <translation>April</translation>
    </message>
    <message>
        <source>mai</source>
        <translation>May</translation>
    </message>
    <message>
        <source>juin</source>
        <translation>June</translation>
    </message>
    <message>
        <source>juillet</source>
        <translation>July</translation>
    </message>
    <message>
        <source>août</source>
        <translation>August</translation>
    </message>
    <message>
        <source>septembre</source>
        <translation>September</translation>
    </message>
    <message>
        <source>octobre</source>
        <translation>October</translation>
    </message>
    <message>
        <source>novembre</source>
        <translation>November</translation>
    </message>
    <message>
        <source>décembre</source>
        <translation>December</translation>
    </message>
</context>
<context>
    <name>NetworkStatus</name>
    <message>
        <source>En ligne</source>
        <translation>Online</translation>
    </message>
    <message>
        <source>Hors ligne</source>
        <translation>Offline</translation>
    </message>
    <message>
        <source>{count} à envoyer</source>
        <translation>{count} to send</translation>
    </message>
    <message>
        <source>État du réseau</source>
        <translation>Network status</translation>
    </message>
</context>
<context>
    <name>PausedScreen</name>
    <message>
        <source>Temps restant : {clock}</source>
        <translation>Time left: {clock}</translation>
    </message>
    <message>
        <source>Épreuve en pause</source>
        <translation>Exam paused</translation>
    </message>
    <message>
        <source>Le surveillant a mis l&apos;épreuve en pause. Le temps est arrêté : vous ne perdez rien.</source>
        <translation>The invigilator has paused the exam. The clock is stopped: you lose nothing.</translation>
    </message>
    <message>
        <source>L&apos;épreuve reprendra où vous en étiez dès que le surveillant le décidera.</source>
        <translation>The exam will carry on where you were as soon as the invigilator decides.</translation>
    </message>
</context>
<context>
    <name>QuestionScreen</name>
    <message>
        <source>Question {position} / {total}</source>
        <translation>Question {position} / {total}</translation>
    </message>
    <message>
        <source>Énoncé</source>
        <translation>Question</translation>
    </message>
    <message>
        <source>Je passe</source>
        <translation>Skip</translation>
    </message>
    <message>
        <source>Passe à la question suivante sans répondre à celle-ci.</source>
        <translation>Goes to the next question without answering this one.</translation>
    </message>
    <message>
        <source>Valider</source>
        <translation>Confirm</translation>
    </message>
    <message>
        <source>Valider ma réponse</source>
        <translation>Confirm my answer</translation>
    </message>
    <message>
        <source>Enregistre votre réponse. Elle ne pourra plus être modifiée.</source>
        <translation>Saves your answer. It cannot be changed afterwards.</translation>
    </message>
    <message>
        <source>Signaler un problème avec cette question</source>
        <translation>Report a problem with this question</translation>
    </message>
    <message>
        <source>Prévient le surveillant, par exemple si une image ne s&apos;affiche pas.</source>
        <translation>Alerts the invigilator, for example if an image does not show.</translation>
    </message>
    <message>
        <source>Le surveillant est prévenu et va venir vous voir. Vous pouvez continuer à répondre en attendant.</source>
        <translation>The invigilator has been alerted and will come to see you. You can keep answering meanwhile.</translation>
    </message>
    <message>
        <source>Ouvrir la pièce jointe « {name} »</source>
        <translation>Open the attachment “{name}”</translation>
    </message>
    <message>
        <source>Illustration</source>
        <translation>Illustration</translation>
    </message>
    <message>
        <source>Une seule réponse possible.</source>
        <translation>One answer only.</translation>
    </message>
    <message>
        <source>Plusieurs réponses possibles : cochez toutes les bonnes réponses.</source>
        <translation>Several answers possible: tick every right answer.</translation>
    </message>
    <message>
        <source>Écrivez votre réponse.</source>
        <translation>Write your answer.</translation>
    </message>
    <message>
        <source>Remplissez chacun des champs.</source>
        <translation>Fill in each field.</translation>
    </message>
    <message>
        <source>Temps restant : {clock}</source>
        <translation>Time left: {clock}</translation>
    </message>
    <message>
        <source>Question chronométrée : il vous reste {clock} pour y répondre.</source>
        <translation>Timed question: you have {clock} left to answer it.</translation>
    </message>
    <message>
        <source>Le temps de cette question est écoulé.</source>
        <translation>The time for this question is up.</translation>
    </message>
    <message>
        <source>Vous avez quitté la fenêtre pendant cette question : cela sera pris en compte. Vous pouvez quand même y répondre.</source>
        <translation>You left the window during this question: this will be taken into account. You can still answer it.</translation>
    </message>
    <message>
        <source>Question surveillée : restez sur cette fenêtre jusqu&apos;à ce que vous ayez répondu.</source>
        <translation>Watched question: stay in this window until you have answered.</translation>
    </message>
    <message>
        <source>Choisissez une réponse, ou choisissez « Je passe ».</source>
        <translation>Choose an answer, or choose “Skip”.</translation>
    </message>
    <message>
        <source>Remplissez tous les champs, ou choisissez « Je passe ».</source>
        <translation>Fill in every field, or choose “Skip”.</translation>
    </message>
</context>
<context>
    <name>QuitLink</name>
    <message>
        <source>Quitter le poste</source>
        <translation>Quit this computer</translation>
    </message>
    <message>
        <source>Réservé au surveillant : ferme le poste avec le code surveillant ({keys}).</source>
        <translation>For the invigilator only: closes the kiosk with the invigilator code ({keys}).</translation>
    </message>
</context>
<context>
    <name>QuitScreen</name>
    <message>
        <source>Quitter le poste</source>
        <translation>Quit this computer</translation>
    </message>
    <message>
        <source>Réservé au surveillant : saisissez le code surveillant de la session pour fermer le poste candidat.</source>
        <translation>For the invigilator only: type the session&apos;s invigilator code to close the candidate kiosk.</translation>
    </message>
    <message>
        <source>L&apos;épreuve en cours est conservée : le candidat la reprendra au redémarrage du poste, quand le surveillant autorisera la reprise.</source>
        <translation>The test under way is kept: the candidate will resume it when the kiosk is started again and the invigilator authorises the resume.</translation>
    </message>
    <message>
        <source>Candidat : revenez à l&apos;écran précédent avec « Annuler ».</source>
        <translation>Candidates: go back to the previous screen with “Cancel”.</translation>
    </message>
    <message>
        <source>Numéro de session</source>
        <translation>Session number</translation>
    </message>
    <message>
        <source>Code surveillant</source>
        <translation>Invigilator code</translation>
    </message>
    <message>
        <source>Le code surveillant de la session, vérifié par le serveur.</source>
        <translation>The session&apos;s invigilator code, checked by the server.</translation>
    </message>
    <message>
        <source>Vérification en cours…</source>
        <translation>Checking…</translation>
    </message>
    <message>
        <source>Annuler</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Annuler et revenir à l&apos;écran précédent</source>
        <translation>Cancel and go back to the previous screen</translation>
    </message>
    <message>
        <source>Saisissez le numéro de session.</source>
        <translation>Type in the session number.</translation>
    </message>
    <message>
        <source>Saisissez le code surveillant.</source>
        <translation>Type in the invigilator code.</translation>
    </message>
</context>
<context>
    <name>TimeOverScreen</name>
    <message>
        <source>Le temps est écoulé</source>
        <translation>Time is up</translation>
    </message>
    <message>
        <source>Le temps prévu pour l&apos;épreuve est terminé. Toutes les réponses que vous avez validées sont enregistrées.</source>
        <translation>The time allowed for the exam is over. Every answer you confirmed is saved.</translation>
    </message>
    <message>
        <source>Terminer l&apos;épreuve</source>
        <translation>Finish the exam</translation>
    </message>
</context>
<context>
    <name>WaitingScreen</name>
    <message>
        <source>Reprise de l&apos;épreuve</source>
        <translation>Resuming the exam</translation>
    </message>
    <message>
        <source>{name}, votre épreuve a été interrompue. Vos réponses sont conservées. Le surveillant doit autoriser la reprise.</source>
        <translation>{name}, your exam was interrupted. Your answers are kept. The invigilator must authorise the resume.</translation>
    </message>
    <message>
        <source>Bonjour {name}</source>
        <translation>Hello {name}</translation>
    </message>
    <message>
        <source>Votre inscription est enregistrée. Le surveillant va vérifier votre identité puis autoriser le début de l&apos;épreuve.</source>
        <translation>You are checked in. The invigilator will check your identity, then authorise the start of the exam.</translation>
    </message>
    <message>
        <source>Restez à votre place : cet écran changera de lui-même.</source>
        <translation>Stay in your seat: this screen will change by itself.</translation>
    </message>
    <message>
        <source>Ce n&apos;est pas moi : revenir à l&apos;inscription</source>
        <translation>This is not me: back to check-in</translation>
    </message>
</context>
</TS>
