config-error = 配置错误:{$key}{$value} {$problem}
config-token-missing = 未设置。请在 .env 中写入 BOT_TOKEN=<从 @BotFather 获取的令牌>(参见 .env.example)。
config-token-shape = 格式不对:令牌形如 123456789:AAE...,请从 @BotFather 重新复制到 .env 的 BOT_TOKEN。
config-staff-ids = 应为逗号分隔的 Telegram 数字用户 ID,例如 STAFF_IDS=1001,1002。
config-locale = 只支持 zh 或 en,请在 .env 中设置 DEFAULT_LOCALE=zh。
config-timezone = 不是有效的时区名,请设置为如 TIMEZONE=Asia/Shanghai。
config-digest-time = 应为 09:00 这样的时间或 off,请在 .env 中设置 DAILY_DIGEST_AT=09:00。
config-database-url = 不支持,请使用 sqlite+aiosqlite:///./data/shop.db 或 postgresql+asyncpg://用户@主机/库名。
config-api-url = 应为 http(s):// 开头的地址,例如 TELEGRAM_API_URL=http://127.0.0.1:8081;不填则使用 Telegram 官方服务器。
config-log-level = 只支持 DEBUG、INFO、WARNING、ERROR。
config-invalid-value = 取值无效,请对照 .env.example 修改。
config-calendar-file = 日历文件有误:{$problem}
database-error = 无法打开数据库 {$url}:{$problem}。请检查 .env 中的 DATABASE_URL 以及目录权限。
telegram-unauthorized = Telegram 拒绝了 BOT_TOKEN(令牌无效或已被撤销)。请在 @BotFather 中重新获取令牌并写入 .env。
telegram-unreachable = 无法连接 Telegram Bot API({$url}):{$problem}。请检查网络或 TELEGRAM_API_URL。
bot-started = 机器人 @{$username} 已启动(数据库:{$database}),按 Ctrl+C 停止。
bot-stopped = 机器人已停止。
migrate-done = 数据库已是最新结构(版本 {$revision})。
demo-done = 演示数据已就绪:{$customers} 位顾客、{$products} 种商品、{$orders} 笔订单。
demo-bound = 已将演示顾客 {$name}({$code})关联到 Telegram 用户 {$telegram_id};用该账号向机器人发送 /start 即可试用。
demo-hint = 提示:用 --bind <您的 Telegram 用户 ID> 将一位演示顾客关联到您的账号。
import-file-missing = 找不到文件 {$path}。请检查路径。
import-bad-row = 第 {$line} 行:{$reason}
import-progress = 已处理 {$done}/{$total} 行({$percent}%)
import-summary = 导入完成:共 {$total} 行,新增 {$created},更新 {$updated},出错 {$failed}。
interrupted = 已中断。
config-env-encoding = 文件不是 UTF-8 编码。请用 UTF-8 重新保存 .env。
config-database-memory = 是内存数据库,机器人停止后订单和退款会全部丢失。请使用文件,例如 sqlite+aiosqlite:///./data/shop.db。
config-sqlite-synchronous = 只能是 full(每次提交都能经受断电)或 normal(更快,但机器断电时可能丢失最后几次提交)。
config-postgres-driver = 需要 PostgreSQL 驱动:请执行 pip install -e '.[postgres]'。
config-shop-mode = 只能是 embedded(以机器人自己的数据库为订单系统)或 http(通过接口连接商城自己的订单系统)。
config-shop-api-url = 必须以 http(s):// 开头,例如 SHOP_API_URL=https://shop.example.com/bot-api。
config-shop-api-url-missing = 在 SHOP_MODE=http 时必须设置:请在 .env 中填写商城接口的地址(见 docs/shop-api.md),或设置 SHOP_MODE=embedded。
config-shop-secret = 太短:请至少使用 16 个字符,例如 python -c "import secrets; print(secrets.token_hex(32))" 的输出。
config-shop-secret-missing = 在 SHOP_MODE=http 时必须设置:请在 .env 中填写与商城共享的密钥(见 docs/shop-api.md)。
config-shop-timeout = 必须在 0.5 到 30 秒之间。
config-shop-alert = 必须在 1 到 1440 分钟之间。
config-shop-confirm-wait = 必须在 0.5 到 15 秒之间。
config-shop-events-port = 必须是 1 到 65535 之间的 TCP 端口(0 表示自动选择空闲端口)。
telegram-api-error = Telegram Bot API({$url})返回了错误:{$problem}。请检查 TELEGRAM_API_URL 与 BOT_TOKEN。
import-file-unreadable = 无法读取文件 {$path}:{$problem}。
outbox-none = 没有被放弃的通知:所有通知都已发出或仍在重试。
outbox-line = #{$id} · {$kind} · {$audience} · 尝试 {$attempts} 次 · 创建于 {$created} · 最后的错误:{$error}
outbox-summary = 共 {$total} 条被放弃的通知(显示 {$shown} 条)。问题解决后运行 python -m bot outbox --requeue-all 全部重新发送,或 --requeue <编号> 只发送其中几条;正在运行的机器人几秒内就会发出。
outbox-requeued = 已重新排队 {$count} 条通知,正在运行的机器人几秒内就会发出。
outbox-requeue-missing = 有 {$missing} 个编号不是被放弃的通知(已发出、仍在重试或不存在),未做改动;运行 python -m bot outbox 查看可重发的编号。
config-bot-username = 不像机器人的用户名:应为 5–32 个字母、数字或下划线,以 bot 结尾,例如 BOT_USERNAME=kamei_shop_bot(可带或不带 @)。
