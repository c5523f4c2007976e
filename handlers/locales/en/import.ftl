# Why a row of an order import was refused (python -m bot import-orders FILE).
# Shown after "line N:"; field names and values are those of the import file (docs/import-orders.md).
import-reason-bad-json = not valid JSON (the error is near column {$column}); each line must be one complete JSON object.
import-reason-bad-encoding = the line is not UTF-8 text; save the file as UTF-8.
import-reason-not-object = the line is JSON but not an object; each line must be one order, like {"{"}"order_no": ...{"}"}.
import-reason-duplicate-key = the field {$field} appears twice in this line.
import-reason-missing-field = the required field {$field} is missing.
import-reason-unknown-field = unknown field {$field} (misspelt?); see docs/import-orders.md for the field names.
import-reason-choice = {$field} is "{$value}", which is not one of: {$choices}.
import-reason-bad-timezone = {$field} "{$value}" is not a timezone name; use one like Asia/Shanghai or Europe/Berlin.
import-reason-bad-order-no = order_no "{$value}" must be 4–64 letters, digits, - or _.
import-reason-bad-phone = {$field} "{$value}" does not look like a phone number (digits, optionally + - and spaces).
import-reason-empty-text = {$field} is empty.
import-reason-text-too-long = {$field} is longer than {$max} characters.
import-reason-expected-text = {$field} must be text (in quotes).
import-reason-expected-integer = {$field} must be a whole number.
import-reason-expected-bool = {$field} must be true or false (without quotes).
import-reason-expected-object = {$field} must be an object {"{"} ... {"}"}.
import-reason-quantity-range = {$field} is {$value}; it must be between 1 and {$max}.
import-reason-money-format = {$field} "{$value}" is not an amount in yuan; write it like "30.00" or 30.5.
import-reason-money-negative = {$field} is {$value}; amounts cannot be negative.
import-reason-money-too-large = {$field} is {$value}, more than the limit of {$max} yuan.
import-reason-money-precision = {$field} is {$value}: amounts have at most 2 decimals (fen).
import-reason-datetime-format = {$field} "{$value}" is not a date and time; write it like 2026-11-20T10:15:00+08:00.
import-reason-datetime-naive = {$field} "{$value}" has no timezone offset; add one, e.g. 2026-11-20T10:15:00+08:00.
import-reason-invalid-value = {$field} has an invalid value.
import-reason-stamp-missing = a {$status} order needs {$field}.
import-reason-stamp-not-allowed = a {$status} order cannot have {$field}.
import-reason-stamp-order = {$field} is earlier than {$earlier}.
import-reason-coupon-exceeds-discount = the coupon takes off {$coupon}, more than the order's whole discount of {$discount}.
import-reason-quantity-too-small = quantity is {$quantity}; it must be at least 1.
import-reason-negative-amount = {$field} is {$value}; amounts cannot be negative.
import-reason-amount-mismatch = amounts don't add up: amount_paid should be unit_price × quantity − discount = {$expected}, but it is {$given}.
import-reason-timezone-missing = {$field} has no timezone offset; add one, e.g. +08:00.
import-reason-channel-missing = a paid order ({$status}) needs payment_channel (wechat, alipay, bank_card or balance).
import-reason-paid-at-missing = a {$status} order needs paid_at.
import-reason-paid-at-not-allowed = a {$status} order cannot have paid_at.
import-reason-delivered-at-missing = a {$status} order needs delivered_at.
import-reason-activation-not-card-key = card_key_activated applies to card_key products only, not {$kind}; leave it out or null.
import-reason-status-backwards = { $existing ->
    [cancelled] order {$order_no} is already "{$existing_name}" ({$existing}) here; an import cannot change it back to "{$incoming_name}" ({$incoming}): a cancelled order stays cancelled.
   *[other] order {$order_no} is already "{$existing_name}" ({$existing}) here; an import cannot change it back to "{$incoming_name}" ({$incoming}): an order's status only moves forward.
}
import-reason-database = the database refused this order ({$problem}).
import-reason-more = {$reason} (and {$more} more problems in this line)
