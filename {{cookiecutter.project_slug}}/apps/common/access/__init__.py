"""Access records: who downloaded (or imported) what, when, from where and why.

Korea's Personal Information Protection Act, in its safety-measure standard (notice 2023-6,
article 8), asks a system holding personal data to keep a record of every access to it,
downloads included, for at least one to two years, checked monthly, protected against
alteration and loss. This package is that record:

- `models.AccessRecord`: one row per download, job started, link handed out, admin export or
  import applied; append-only (the ORM, the admin and, on PostgreSQL, a trigger refuse to
  change or delete one), each row's hash chained to the previous one's (`chain`).
- `services.record_access(...)`: the one way to write a record, from any app (an import's apply
  step calls it too); `services.access_records_verify()` finds the first record that does not
  match its hash; `services.access_records_delete_expired()` is the retention sweep.
- `client.access_context(request)`: who and from where, the client address taken from the
  trusted proxies' `X-Forwarded-For` only (`ACCESS_RECORDS_TRUSTED_PROXIES`).
- `reasons`: the `reason` every export takes, required by an export that holds personal data.
- `masking`: masks for personal columns (names, phone numbers, email addresses), applied by an
  export's column plan and by serializers that opt in, unless the reader may unmask.
"""
