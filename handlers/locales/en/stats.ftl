## Staff's /stats [days]: the period's numbers, and a chart of the last 14 days.

stats-usage = Usage: /stats [days], e.g. /stats 30 (1 to 90 days; 7 when left out).
stats-not-staff = ⛔ The statistics are for the shop's staff only.
stats-title = 📊 The last {$days} days ({$first} – {$last})
stats-cancels = ❌ Cancelled orders: {$count}
stats-by-reason = · by reason: {$parts}
stats-by-path = · by way: {$parts}
stats-part = {$name} {$count}
stats-reason-none = not given
stats-path-direct = by the customer
stats-path-application = application approved
stats-path-shop = by the shop
stats-path-conversation = approved after a conversation
stats-path-none = not recorded
stats-tickets = 📝 Tickets: {$filed} filed · {$decided} decided
stats-review = · median review time {$median} · on time {$on_time}/{$decided} ({$share})
stats-review-none = · no ticket decided in this period
stats-cases = 💬 Conversations: {$opened} opened · {$answered} answered · {$waiting} waiting for staff
stats-first-reply = · median first reply time {$median}
stats-first-reply-none = · no conversation answered in this period
stats-hours = {$hours} h
stats-minutes = {$minutes} min
stats-refunds = 💰 Refunds: {$pending} still owed · {$overdue} past their expected day
stats-ratings = ⭐ Satisfaction: {$average} on average ({$count} ratings)
stats-ratings-none = ⭐ Satisfaction: no ratings in this period
stats-chart-caption = 📈 Per day, the last 14 days ({$first} – {$last}): 🟥 cancelled orders · 🟦 new tickets
