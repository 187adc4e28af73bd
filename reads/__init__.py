"""The programme's read side, shared by the staff CLI (`starter/`) and the web service
(`web/`): the session that reaches Temporal (an Action's status, visibility, commands with
their proof), the errors both report in one line, and how times read for people. Nothing
here parses arguments or serves HTTP; it imports neither `starter` nor `web`."""
