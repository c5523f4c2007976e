# python -m bot refund-status FILE: the payment provider's reconciliation export (docs/refund-status.md).
refund-import-bad-row = line {$line}: {$reason}
refund-import-skipped-row = line {$line}: skipped: {$reason}
refund-import-more-bad = … and {$more} more bad lines not shown; fix the ones above and run the file again to see the rest.
refund-import-more-skipped = … and {$more} more skipped lines not shown.
refund-import-progress = processed {$done}/{$total} lines ({$percent}%)
refund-import-summary = Refund statuses from {$file}: {$total} lines, {$changed} changed, {$unchanged} unchanged, {$skipped} skipped, {$bad} bad.
refund-import-file-missing = File {$path} not found. Give the path of the payment provider's refund export (JSON Lines), e.g. python -m bot refund-status refunds-2026-11-27.jsonl.
refund-import-file-is-dir = {$path} is a folder, not a file. Give the path of the export file itself.
refund-import-file-unreadable = Cannot read {$path}: {$problem}. Check the file's permissions for the user running the command.
refund-import-file-binary = {$path} is not a JSON Lines text file (a spreadsheet?). Export the refunds as JSON Lines, one JSON object per line; see docs/refund-status.md.
# A refund's status in the bot, as named in skipped lines.
refund-import-status-requested = requested, not yet submitted
refund-import-status-processing = submitted, in progress
refund-import-status-succeeded = refunded
refund-import-status-failed = failed
# Why a line is bad (shown after "line N:"); field names are those of the export file.
refund-import-reason-bad-encoding = the line is not UTF-8 text; save the export as UTF-8.
refund-import-reason-bad-json = not valid JSON (the error is near column {$column}); each line must be one complete JSON object.
refund-import-reason-not-object = the line is JSON but not an object; each line must be one refund, like {"{"}"order_no": ..., "status": ...{"}"}.
refund-import-reason-duplicate-key = the field {$field} appears twice in this line.
refund-import-reason-unknown-field = unknown field {$field} (misspelt?); the fields are refund_id, provider_ref, order_no, status, amount_fen, reason and at (docs/refund-status.md).
refund-import-reason-missing-status = status is missing; give submitted, succeeded or failed.
refund-import-reason-no-identifier = the line names no refund; give order_no, provider_ref or refund_id.
refund-import-reason-expected-text = {$field} must be text (in quotes).
refund-import-reason-expected-integer = {$field} is {$value}; it must be a whole number, written without quotes.
refund-import-reason-expected-fen = {$field} is {$value}; it must be a whole number (amount_fen is in fen: ¥6.00 is 600).
refund-import-reason-bad-refund-id = refund_id is {$value}; that is not a refund id (a whole number from 1 to 2147483647).
refund-import-reason-text-too-long = {$field} is longer than {$max} characters.
refund-import-reason-negative-amount = amount_fen is {$value}; a refund amount cannot be negative.
refund-import-reason-unknown-status = status "{$value}" is not one of: {$choices}.
refund-import-reason-bad-time = at "{$value}" is not a date and time; write it like 2026-11-27T10:15:00+08:00.
refund-import-reason-time-naive = at "{$value}" has no timezone offset; add one, e.g. 2026-11-27T10:15:00+08:00.
refund-import-reason-needs-reason = a failed refund needs a reason (the shopper is told it); add "reason" from the provider's record.
refund-import-reason-not-found = no refund with {$by} {$value}; check that the export is this shop's and that the order was cancelled in the bot.
refund-import-reason-ids-disagree = the refund found by {$by} is for order {$order_no}, but the line says order_no {$given}; fix whichever is wrong.
refund-import-reason-ref-disagrees = the refund for order {$order_no} was submitted as provider_ref {$recorded}, but the line says {$given}; check which refund this line is about.
refund-import-reason-attempt-unknown = the refund for order {$order_no} has been started again (now attempt {$attempt}), and a line with neither provider_ref nor at cannot be told from one about an earlier try; add provider_ref or at from the provider's record.
refund-import-reason-amount-mismatch = the refund for order {$order_no} is {$expected_yuan} ({$expected} fen), but the line says {$given_yuan} ({$given} fen); nothing was changed. Check the export.
refund-import-reason-not-manual = order {$order_no} was refunded to the shop balance at once; the provider has nothing to report for it. Remove the line.
refund-import-reason-database = the database refused this line ({$problem}).
# Why a good line changed nothing.
refund-import-skip-not-allowed = the refund for order {$order_no} is already {$current_name} ({$current}); a "{$status}" line does not change it.
refund-import-skip-earlier-attempt = the line is dated before the refund for order {$order_no} was started again (attempt {$attempt}); it is about an earlier try.
refund-import-skip-earlier-reference = the line is about an earlier attempt (#{$was}) of refund {$refund} (order {$order_no}): provider_ref {$provider_ref} was reported for that try, and staff have started the refund again since (now attempt {$attempt}).
