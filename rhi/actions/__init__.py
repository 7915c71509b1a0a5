"""Actions agreed in interviews, followed until done: the rules (rules.py), the rows made when
an interview is finished and their changes (tracking.py), and the pages (views.py)."""
