"""The states a candidate goes through on exam day, as stored in `candidates.status`.

    not_arrived -> waiting -> authorised -> in_progress -> finished | rejected
                   (crash: in_progress -> waiting_resume -> resume_authorised -> in_progress)
                   (invigilator ends the test: in_progress -> ended -> finished | rejected)
    not_arrived | waiting -> absent

Pauses, locks and live alerts are not states: they hang off the exam (tables pauses, incidents,
alerts) and the room status shows them over `in_progress`.
"""

NOT_ARRIVED = "not_arrived"
WAITING = "waiting"
AUTHORISED = "authorised"
IN_PROGRESS = "in_progress"
WAITING_RESUME = "waiting_resume"
RESUME_AUTHORISED = "resume_authorised"
ENDED = "ended"
FINISHED = "finished"
REJECTED = "rejected"
ABSENT = "absent"

# The exam has started and its record has not come back yet.
RUNNING = (IN_PROGRESS, WAITING_RESUME, RESUME_AUTHORISED)
AWAITING_RECORD = (*RUNNING, ENDED)
DONE = (FINISHED, REJECTED)
