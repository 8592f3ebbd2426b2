"""Screens that mostly say where the candidate is: waiting, instructions, paused, time over, end.

Each takes plain data (a name, a number of minutes, whether answers are still to be sent) and
has at most one action, so there is only ever one obvious thing to do.
"""

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QWidget

from kiosk.ui.controls import button, card, text_label
from kiosk.ui.question_screen import clock_text
from kiosk.ui.quit_screen import QuitLink
from kiosk.ui.screen import Screen


def format_duration(minutes: int, hours_word: str) -> str:
    """`1 h 45`, `2 h 20`, `45 min`: how the French write exam lengths (hours_word is `h`)."""
    hours, rest = divmod(minutes, 60)
    if hours == 0:
        return f"{rest} min"
    return f"{hours} {hours_word} {rest:02d}" if rest else f"{hours} {hours_word}"


class WaitingScreen(Screen):
    """Waiting for the invigilator, either to start or to resume after an interruption."""

    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.candidate_name = ""
        self.resuming = False
        self.title = text_label("title", self)
        self.lead = text_label("lead", self)
        self.detail = text_label("muted", self)
        self.cancel = button("link", self)
        self.cancel.clicked.connect(self.cancelled)
        for widget in (self.title, self.lead, self.detail):
            self.column.addWidget(widget)
        self.column.addWidget(self.cancel, 0, Qt.AlignmentFlag.AlignLeft)
        self.column.addStretch(1)
        self.retranslate()

    def show_candidate(self, candidate_name: str, resuming: bool) -> None:
        """Who is waiting, and whether this is a resume (answers already given are kept)."""
        self.candidate_name = candidate_name
        self.resuming = resuming
        self.cancel.setVisible(not resuming)
        self.retranslate()

    def retranslate(self) -> None:
        if self.resuming:
            self.title.setText(self.tr("Reprise de l'épreuve"))
            self.lead.setText(
                self.tr(
                    "{name}, votre épreuve a été interrompue. Vos réponses sont conservées. "
                    "Le surveillant doit autoriser la reprise."
                ).format(name=self.candidate_name)
            )
        else:
            self.title.setText(self.tr("Bonjour {name}").format(name=self.candidate_name))
            self.lead.setText(
                self.tr(
                    "Votre inscription est enregistrée. Le surveillant va vérifier votre "
                    "identité puis autoriser le début de l'épreuve."
                )
            )
        self.detail.setText(self.tr("Restez à votre place : cet écran changera de lui-même."))
        self.cancel.setText(self.tr("Ce n'est pas moi : revenir à l'inscription"))
        self.cancel.setAccessibleName(self.cancel.text())

    def first_focus(self) -> QWidget | None:
        return None if self.resuming else self.cancel


class InstructionsScreen(Screen):
    """The rules, read once before the first question; `started` when the candidate is ready."""

    started = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.question_count = 32
        self.minutes = 105
        self.extra_minutes = 0
        self.secure_mode = False
        self.clock_started = False
        self.start_window_minutes = 10
        self.title = text_label("title", self)
        self.column.addWidget(self.title)
        frame, rules = card(self, margins=32, spacing=18)
        self.rules = [text_label("lead", frame) for _ in range(6)]
        for rule in self.rules:
            rules.addWidget(rule)
        self.column.addWidget(frame)
        self.start = button("primary", self)
        self.start.setDefault(True)
        self.start.clicked.connect(self.started)
        self.column.addWidget(self.start, 0, Qt.AlignmentFlag.AlignLeft)
        self.column.addStretch(1)
        self.retranslate()

    def show_exam(
        self, question_count: int, minutes: int, extra_minutes: int, secure_mode: bool
    ) -> None:
        """The figures of this candidate's exam: time allowed includes their extra time."""
        self.question_count = question_count
        self.minutes = minutes
        self.extra_minutes = extra_minutes
        self.secure_mode = secure_mode
        self.retranslate()

    def set_clock(self, started: bool, start_window_s: int) -> None:
        """Whether the exam clock runs yet: it starts when the candidate presses the button,
        or by itself `start_window_s` after the authorisation."""
        window_minutes = max(1, round(start_window_s / 60))
        if (started, window_minutes) != (self.clock_started, self.start_window_minutes):
            self.clock_started, self.start_window_minutes = started, window_minutes
            self.retranslate()

    def retranslate(self) -> None:
        hours_word = self.tr("h", "hours in a duration such as 1 h 45")
        total = format_duration(self.minutes + self.extra_minutes, hours_word)
        self.title.setText(self.tr("Avant de commencer"))
        if self.extra_minutes:
            time_rule = self.tr(
                "Vous disposez de {total}, temps supplémentaire de {extra} compris."
            ).format(total=total, extra=format_duration(self.extra_minutes, hours_word))
        else:
            time_rule = self.tr("Vous disposez de {total} au total.").format(total=total)
        texts = [
            self.tr(
                "Vous allez répondre à {count} questions, une à la fois. Une réponse validée "
                "ne peut plus être modifiée."
            ).format(count=self.question_count),
            time_rule + " " + self._clock_rule(),
            self.tr(
                "Certaines questions ont leur propre compte à rebours : il s'affiche au-dessus "
                "de la question."
            ),
            self.tr("Si vous ne connaissez pas la réponse, choisissez « Je passe »."),
            self.tr(
                "Une image ne s'affiche pas, un fichier ne s'ouvre pas ? Choisissez « Signaler "
                "un problème » et levez la main."
            ),
            self.tr(
                "Restez dans cette fenêtre : la quitter verrouille l'épreuve et prévient le "
                "surveillant."
            )
            if self.secure_mode
            else self.tr("Vous pouvez agrandir le texte avec les boutons « A+ » et « A- »."),
        ]
        for rule, text in zip(self.rules, texts, strict=True):
            rule.setText(text)
        self.start.setText(self.tr("Commencer l'épreuve"))
        self.start.setAccessibleName(self.start.text())
        self.start.setAccessibleDescription(self.tr("Affiche la première question."))

    def _clock_rule(self) -> str:
        if self.clock_started:
            return self.tr(
                "Le temps a commencé à courir ; le temps restant reste affiché en haut de l'écran."
            )
        return self.tr(
            "Le temps commence à courir quand vous appuyez sur « Commencer l'épreuve » (au plus "
            "tard dans {minutes} minutes) ; le temps restant reste ensuite affiché en haut de "
            "l'écran."
        ).format(minutes=self.start_window_minutes)

    def first_focus(self) -> QWidget:
        return self.start


class PausedScreen(Screen):
    """The invigilator paused the exam: the clock is stopped, nothing to do but wait."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.seconds_left: int | None = None
        self.title = text_label("title", self)
        self.clock = text_label("clock", self)
        self.clock.hide()
        self.lead = text_label("lead", self)
        self.detail = text_label("muted", self)
        for widget in (self.title, self.clock, self.lead, self.detail):
            self.column.addWidget(widget)
        self.column.addStretch(1)
        self.retranslate()

    def set_time_left(self, seconds: int) -> None:
        """The time left, stopped where the pause caught it."""
        self.seconds_left = seconds
        self._show_clock()

    def _show_clock(self) -> None:
        self.clock.setVisible(self.seconds_left is not None)
        if self.seconds_left is not None:
            text = self.tr("Temps restant : {clock}").format(clock=clock_text(self.seconds_left))
            self.clock.setText(text)
            self.clock.setAccessibleName(text)

    def retranslate(self) -> None:
        self._show_clock()
        self.title.setText(self.tr("Épreuve en pause"))
        self.lead.setText(
            self.tr(
                "Le surveillant a mis l'épreuve en pause. Le temps est arrêté : "
                "vous ne perdez rien."
            )
        )
        self.detail.setText(
            self.tr("L'épreuve reprendra où vous en étiez dès que le surveillant le décidera.")
        )


class TimeOverScreen(Screen):
    """The time allowed has run out; the answers given are kept and the exam ends."""

    acknowledged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = text_label("title", self)
        self.lead = text_label("lead", self)
        self.next = button("primary", self)
        self.next.clicked.connect(self.acknowledged)
        self.column.addWidget(self.title)
        self.column.addWidget(self.lead)
        self.column.addWidget(self.next, 0, Qt.AlignmentFlag.AlignLeft)
        self.column.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Le temps est écoulé"))
        self.lead.setText(
            self.tr(
                "Le temps prévu pour l'épreuve est terminé. Toutes les réponses que vous avez "
                "validées sont enregistrées."
            )
        )
        self.next.setText(self.tr("Terminer l'épreuve"))
        self.next.setAccessibleName(self.next.text())

    def first_focus(self) -> QWidget:
        return self.next


class EndScreen(Screen):
    """Thanks, and where the answers are: sent, kept on this PC until the network is back, or
    refused by the server (its reason, for the invigilator, who reads it here). A quiet link,
    focused, brings the kiosk back to check-in for the next candidate."""

    next_candidate = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.candidate_name = ""
        self.sent = False
        self.refusal = ""
        self.title = text_label("title", self)
        self.lead = text_label("lead", self)
        self.delivery = text_label("muted", self)
        self.results = text_label("muted", self)
        for widget in (self.title, self.lead, self.delivery, self.results):
            self.column.addWidget(widget)
        self.column.addSpacing(32)
        self.again = button("link", self)
        self.again.clicked.connect(self.next_candidate)
        self.column.addWidget(self.again, 0, Qt.AlignmentFlag.AlignLeft)
        self.column.addStretch(1)
        self.quit = QuitLink(self)
        self.column.addWidget(self.quit, 0, Qt.AlignmentFlag.AlignLeft)
        self.retranslate()

    def show_end(self, candidate_name: str, sent: bool) -> None:
        self.candidate_name = candidate_name
        self.sent = sent
        self.refusal = ""
        self.retranslate()

    def set_sent(self, sent: bool) -> None:
        """Called again when the record reaches the server after a network outage."""
        self.sent = sent
        self.retranslate()

    def set_refusal(self, reason: str) -> None:
        """The server refused the record, for good: its reason (in the language shown)."""
        if reason != self.refusal:
            self.refusal = reason
            self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Épreuve terminée"))
        self.lead.setText(
            self.tr("Merci {name}. Vos réponses sont enregistrées.").format(
                name=self.candidate_name
            )
        )
        if self.refusal:
            self.delivery.setText(
                self.tr(
                    "Le serveur a refusé de les recevoir : {reason} Appelez le surveillant : "
                    "elles restent enregistrées sur cet ordinateur."
                ).format(reason=self.refusal)
            )
        elif self.sent:
            self.delivery.setText(
                self.tr("Elles ont bien été transmises. Vous pouvez quitter la salle.")
            )
        else:
            self.delivery.setText(
                self.tr(
                    "Elles sont conservées sur cet ordinateur et seront transmises "
                    "automatiquement dès que le réseau le permettra. Vous pouvez quitter "
                    "la salle."
                )
            )
        self.results.setText(
            self.tr("Vos résultats seront publiés après la validation de la session.")
        )
        self.again.setText(self.tr("Revenir à l'accueil pour le candidat suivant"))
        self.again.setAccessibleName(self.again.text())

    def first_focus(self) -> QWidget:
        return self.again
