"""The platform every package stands on; other packages import these modules' public names
(no leading underscore) and nothing else of it:

- `extensions`: the Flask extensions (`db`, `htmx`, `login_manager`, `babel`, `csrf`);
- `service`: the one write path (`@service`, `DomainError`, `Forbidden`, `Shown`, `as_domain`);
- `journal`, `journal_keys`: the authenticated, chained audit journal (`record`, `diff`);
- `messages`: translated messages for rule and domain error codes;
- `mail`, `mail_queue`: outgoing mail, sent after the transaction or from the queue;
- `jobs`: work run after its request (imports), with its progress;
- `documents`, `downloads`: uploaded documents, checked, and sent back; CSV cells guarded;
- `formatting`, `labels`, `charts`: money, numbers and dates in the locale, labels of
  enumerated values, inline SVG charts;
- `urls`, `throttle`, `config`, `clock`: ids and web addresses in URLs, rate limits,
  configuration, the group's calendar days.
"""
