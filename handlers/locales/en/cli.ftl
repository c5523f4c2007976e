config-error = Configuration error: {$key}{$value} {$problem}
config-token-missing = is not set. Put BOT_TOKEN=<the token from @BotFather> in .env (see .env.example).
config-token-shape = does not look like a bot token (123456789:AAE...); copy it again from @BotFather into BOT_TOKEN in .env.
config-staff-ids = must be comma-separated numeric Telegram user ids, e.g. STAFF_IDS=1001,1002.
config-locale = must be zh or en; set DEFAULT_LOCALE=zh in .env.
config-timezone = is not a timezone name; use e.g. TIMEZONE=Asia/Shanghai.
config-digest-time = must be a time like 09:00 or off; set DAILY_DIGEST_AT=09:00 in .env.
config-database-url = is not supported; use sqlite+aiosqlite:///./data/shop.db or postgresql+asyncpg://user@host/db.
config-api-url = must start with http(s)://, e.g. TELEGRAM_API_URL=http://127.0.0.1:8081; leave it empty for Telegram's own server.
config-log-level = must be one of DEBUG, INFO, WARNING, ERROR.
config-invalid-value = has an invalid value; compare with .env.example.
config-calendar-file = {$problem}
database-error = Cannot open the database {$url}: {$problem}. Check DATABASE_URL in .env and the folder's permissions.
telegram-unauthorized = Telegram rejected BOT_TOKEN (invalid or revoked). Get a new token from @BotFather and put it in .env.
telegram-unreachable = Cannot reach the Telegram Bot API ({$url}): {$problem}. Check the network or TELEGRAM_API_URL.
bot-started = Bot @{$username} is running (database: {$database}); press Ctrl+C to stop.
bot-stopped = Bot stopped.
migrate-done = The database schema is up to date (revision {$revision}).
demo-done = Demo shop ready: {$customers} customers, {$products} products, {$orders} orders.
demo-bound = Demo customer {$name} ({$code}) is now linked to Telegram user {$telegram_id}; send /start to the bot from that account to try it.
demo-hint = Tip: add --bind <your Telegram user id> to link a demo customer to your account.
import-file-missing = File {$path} not found. Check the path.
import-bad-row = line {$line}: {$reason}
import-progress = processed {$done}/{$total} lines ({$percent}%)
import-summary = Import finished: {$total} lines, {$created} new, {$updated} updated, {$failed} failed.
interrupted = Interrupted.
config-env-encoding = is not UTF-8 encoded. Save .env again as UTF-8.
config-database-memory = is an in-memory database: every order and refund would be lost when the bot stops. Use a file, e.g. sqlite+aiosqlite:///./data/shop.db.
config-sqlite-synchronous = must be full (every commit survives a power loss) or normal (faster, may lose the last commits if the machine goes down).
config-postgres-driver = needs the PostgreSQL driver: run pip install -e '.[postgres]'.
config-shop-mode = must be embedded (the bot's database is the order system) or http (the shop's own system, over its API).
config-shop-api-url = must start with http(s)://, e.g. SHOP_API_URL=https://shop.example.com/bot-api.
config-shop-api-url-missing = is needed with SHOP_MODE=http: put the base URL of the shop's API in .env (see docs/shop-api.md), or set SHOP_MODE=embedded.
config-shop-secret = is too short: use at least 16 characters, e.g. the output of python -c "import secrets; print(secrets.token_hex(32))".
config-shop-secret-missing = is needed with SHOP_MODE=http: put the secret shared with the shop in .env (see docs/shop-api.md).
config-shop-timeout = must be between 0.5 and 30 seconds.
config-shop-alert = must be between 1 and 1440 minutes.
config-shop-confirm-wait = must be between 0.5 and 15 seconds.
config-shop-events-port = must be a TCP port, 1 to 65535 (0 picks a free one).
telegram-api-error = The Telegram Bot API ({$url}) answered with an error: {$problem}. Check TELEGRAM_API_URL and BOT_TOKEN.
import-file-unreadable = Cannot read {$path}: {$problem}.
outbox-none = No notification was given up: every one was sent or is still being retried.
outbox-line = #{$id} · {$kind} · {$audience} · {$attempts} attempts · created {$created} · last error: {$error}
outbox-summary = {$total} notifications were given up ({$shown} shown). Once the problem is fixed, run python -m bot outbox --requeue-all to send them all again, or --requeue <ID> for a few; a running bot sends them within seconds.
outbox-requeued = {$count} notifications queued again; a running bot sends them within seconds.
outbox-requeue-missing = {$missing} of the IDs are not given-up notifications (sent, still retrying, or unknown) and were left as they are; run python -m bot outbox to see which can be sent again.
config-bot-username = is not a bot username: 5 to 32 letters, digits or underscores ending in "bot", e.g. BOT_USERNAME=kamei_shop_bot (with or without the @).
