# Linking a shopper's Telegram account: personal link (/start token), phone number, /unlink; and /lang.

link-linked = ✅ Linked to {$name}'s account. Send /start any time to see your orders.
link-unknown = This link is not valid. Check that you opened the whole link, or ask the shop's customer service for a new one.
link-expired = This link has expired. Please ask the shop's customer service for a new one.
link-used = This link has already been used; each link works only once. Please ask the shop's customer service for a new one.
link-used-linked = This link has already been used. Your Telegram account is linked to {$name}'s account; send /start to see your orders.

link-contact-button = 📱 Link with my phone number
link-contact-not-own = I can only link your own phone number. Tap the "📱 Link with my phone number" button below to share yours, not a contact from your address book.
link-contact-no-match = I found no account that ordered with this phone number. Please ask the shop's customer service for your personal link and open it to link your account.
link-contact-ambiguous = This phone number belongs to more than one account at the shop, so I cannot tell which is yours. Please ask the shop's customer service for your personal link and open it to link your account.

link-unlinked = Unlinked: this Telegram account no longer shows your orders. To link again, send /start and follow the steps: open the personal link from the shop, or share your phone number.
link-not-linked = Your Telegram account is not linked to a shop account, so there is nothing to unlink. Send /start to see how to link it.

lang-choose = 请选择语言 / Choose your language:
lang-self = English
lang-button-current = ✓ {$name}
lang-changed = Done: I will answer you in English from now on.
lang-unknown = That language is not available; please pick one of the buttons.

# Operator command: python -m bot link-token CUSTOMER_CODE
link-cli-issued = Link for customer {$name} ({$code}), valid until {$expires} ({$timezone}), usable once. Send this link to the customer:
link-cli-unknown-customer = No customer with code {$code}. Check the code (it is case-sensitive), or import that customer's orders first with import-orders.
config-link-token-ttl = must be a whole number of hours from 1 to 720, e.g. LINK_TOKEN_TTL_HOURS=72.
link-contact-taken = This phone number is already linked to another Telegram account, so it cannot link this one. Please use the personal link the shop sent you, or contact staff.
link-takeover-attempt = ⚠️ At {$time} another Telegram account tried to link your shop account with your phone number. It was refused; your orders are unaffected. If it was you on a new account, use the personal link the shop sent you; if in doubt, contact staff.
