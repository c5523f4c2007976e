# 关联顾客的 Telegram 账号:专属链接(/start 令牌)、分享手机号、/unlink;以及 /lang。

link-linked = ✅ 已关联到 {$name} 的账号。以后发送 /start 即可查看您的订单。
link-unknown = 这个关联链接无效。请确认链接完整,或联系本店客服获取新的关联链接。
link-expired = 这个关联链接已过期。请联系本店客服获取新的关联链接。
link-used = 这个关联链接已经使用过了,每个链接只能用一次。请联系本店客服获取新的关联链接。
link-used-linked = 这个关联链接已经使用过了。您的 Telegram 账号目前关联的是 {$name} 的账号,发送 /start 即可查看订单。

link-contact-button = 📱 用手机号关联
link-contact-not-own = 只能关联您自己的手机号。请点下方“📱 用手机号关联”按钮分享您本人的号码,不要分享通讯录里其他人的名片。
link-contact-no-match = 没有找到使用这个手机号下单的账号。请联系本店客服获取您专属的关联链接,点开即可关联。
link-contact-ambiguous = 这个手机号对应本店的多个账号,无法自动判断是哪一个。请联系本店客服获取您专属的关联链接,点开即可关联。

link-unlinked = 已解除关联,这个 Telegram 账号将不再显示您的订单。如需重新关联,请发送 /start 按提示操作:打开本店客服给您的专属链接,或分享您的手机号。
link-not-linked = 您的 Telegram 账号目前没有关联本店账号,无需解除。发送 /start 了解如何关联。

lang-choose = 请选择语言 / Choose your language:
lang-self = 中文
lang-button-current = ✓ {$name}
lang-changed = 好的,以后我会用中文回复您。
lang-unknown = 不支持这种语言,请从按钮中选择。

# 运维命令 python -m bot link-token 顾客编号
link-cli-issued = 已为顾客 {$name}({$code})生成关联链接,有效期至 {$expires}({$timezone}),只能使用一次。请把下面的链接发给顾客:
link-cli-unknown-customer = 找不到顾客编号 {$code}。请检查编号(区分大小写),或先用 import-orders 导入该顾客的订单。
config-link-token-ttl = 应为 1 到 720 之间的整数(小时),例如 LINK_TOKEN_TTL_HOURS=72。
link-contact-taken = 这个手机号已关联另一个 Telegram 账号,不能再用手机号关联。请使用商城发给您的专属关联链接,或联系客服处理。
link-takeover-attempt = ⚠️ {$time} 有另一个 Telegram 账号尝试用您的手机号关联本店账号,已被拒绝,您的订单不受影响。如果是您本人换了账号,请使用商城发给您的专属关联链接;如有疑问请联系客服。
