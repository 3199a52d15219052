"""Email to a prospect (PRODUCT 15), without Textual: templates filled in with the call
scripts' placeholders, the message built safely, sent over SMTP or handed to the mail app
as a `mailto:` link, and recorded in `emails` once it is out.

- `templates`: the built-in templates shipped here and the rep's own TOML files.
- `fit`: which templates fit a prospect (what each needs), and the situation an email speaks to.
- `compose`: a template filled in for one prospect, as a draft the rep can still edit.
- `headers`: what may go into a header: the To and From addresses and the subject, checked.
- `message`: the draft as an RFC 5322 message, read back before it goes, and the mailto link.
- `sending`: SMTP (starttls, tls, none), the password, and one error for every failure.
- `record`: the row in `emails` and the email task it completes; an email kept to record later.
"""
