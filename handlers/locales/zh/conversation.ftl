# Talking to staff: the shopper's side.
command-contact = 联系客服
contact-button = 💬 联系客服
contact-pick = 💬 请问您想咨询哪个订单?请在下面选择,或选择“其他问题”。
contact-pick-order = 💬 {$order_no} · {$product}
contact-pick-case = ▶️ 继续咨询:{$what}
contact-pick-general = 💬 其他问题(不涉及具体订单)
contact-about-order = 订单 {$order_no}
contact-about-general = 其他问题
contact-usage = 用法:/contact 订单号,例如 /contact KM-1001;只发送 /contact 可选择订单。

conversation-opened = 💬 已为您联系客服({$what})。
    请直接发送文字说明情况,也可以发送图片或文件,客服会在这里回复您。
conversation-resumed = 💬 您正在与客服沟通({$what})。请直接发送文字、图片或文件。
conversation-reopened = 🔓 已重新打开您的咨询({$what}),客服可以看到之前的对话。请直接发送文字、图片或文件。
conversation-quiet = 🌙 现在是非工作时间(工作日 09:00–18:00),客服将于 {$date} {$time} 起回复您,留言不会丢失。
conversation-leave = ↩️ 结束对话 / 返回我的订单
conversation-sent-first = ✅ 已转交客服,回复会直接显示在这里。继续发送即可补充说明。
conversation-sent-reopened = 🔓 您的咨询({$what})已重新打开,客服会看到这条消息。
conversation-sent-new = 💬 之前的咨询已结束,已为您新开一个咨询({$what}),客服会看到这条消息。
conversation-left = 已结束对话。客服的回复仍会发到这里;需要继续时,点客服消息下的“💬 回复客服”或发送 /contact。
conversation-unsupported = 目前只能把文字、图片和文件转给客服,请换一种方式发送。
conversation-gone = 这个咨询已不可用。需要帮助请发送 /contact。
conversation-reply-button = 💬 回复客服
push-case-closed = ✅ 客服已结束这次咨询({$what})。如还需要帮助,点下面的按钮即可继续。
push-case-reopened = 🔓 客服重新打开了您的咨询({$what}),您可以直接在这里回复。

# Talking to staff: the staff group's side.
staff-case-title = 💬 咨询 #{$id} · {$what}
staff-case-about-order = 订单 {$order_no}
staff-case-about-general = 其他问题(未指定订单)
staff-case-topic = 📌 来源:{$topic}
staff-case-topic-return = 退货退款
staff-case-topic-negotiate = 协商处理
staff-case-topic-exchange = 卡密换货
staff-case-topic-after_sales = 售后
staff-case-topic-refund = 退款失败
staff-case-topic-late = 审核超时
staff-case-topic-general = 咨询
staff-case-topic-name = {$what} · {$topic}
staff-case-topic-name-general = 咨询 #{$id} · {$name}
staff-case-open = 🟢 进行中 · {$time} 打开
staff-case-closed = ⚪ 已关闭 · {$time}
staff-case-hint-topic = 本话题中客服发送的文字、图片和文件会转给客户;/close 关闭,/reply 名称 发送常用回复。
staff-case-hint-reply = 回复本卡片或客户的消息即可答复客户;/close 关闭,/reply 名称 发送常用回复。
staff-case-btn-close = ✅ 关闭咨询
staff-case-btn-reopen = 🔓 重新打开
staff-case-note-closed = 🔒 {$who} 关闭了咨询 #{$id},已通知客户。
staff-case-note-reopened = 🔓 {$who} 重新打开了咨询 #{$id},已通知客户。
staff-case-note-reopened-shopper = 🔓 客户重新打开了咨询 #{$id}。
staff-case-closed-toast = 已关闭咨询 #{$id}。
staff-case-reopened-toast = 已重新打开咨询 #{$id}。
staff-case-already-closed = 咨询 #{$id} 已经关闭。
staff-case-already-open = 咨询 #{$id} 本来就是打开的。
staff-case-newer-open = 这个订单已有新的咨询在进行中,请在新的话题里回复客户。
staff-case-not-here = 这里不是咨询的话题。请在咨询的话题里(或回复咨询卡片)使用 {$command}。
staff-case-is-closed = 咨询 #{$id} 已关闭,这条消息没有发给客户。需要继续时先发送 /reopen。
staff-case-unsupported = 只能把文字、图片和文件转给客户。
staff-case-not-staff = ⛔ 只有客服可以操作咨询。
staff-case-gone = 找不到这个咨询。
staff-reply-usage = 用法:在咨询的话题里发送 /reply 名称;/replies 查看全部常用回复。
staff-reply-unknown = 没有名为“{$name}”的常用回复。/replies 查看全部。
staff-reply-sent = ✅ 已把常用回复“{$name}”发给客户:
    {$text}
staff-replies-empty = 还没有常用回复。添加:/replies add 名称 内容
staff-replies-header = 📋 常用回复({$count} 条):
staff-replies-line = • {$name}:{$text}
staff-replies-footer = 在咨询的话题里发送 /reply 名称 即可发给客户。添加:/replies add 名称 内容 · 删除:/replies del 名称
staff-replies-more = …另有 {$count} 条未列出(发送 /reply 名称 直接使用)
staff-replies-usage = 用法:/replies(查看)· /replies add 名称 内容 · /replies del 名称
staff-replies-bad-name = 名称只能包含文字、数字、_ 和 -,最多 32 个字符。
staff-replies-bad-text = 内容不能为空,最多 {$max} 个字符。
staff-replies-saved = ✅ 已保存常用回复“{$name}”。
staff-replies-replaced = ✅ 已更新常用回复“{$name}”。
staff-replies-deleted = 🗑 已删除常用回复“{$name}”。
staff-replies-unknown = 没有名为“{$name}”的常用回复。

config-case-reopen = 必须在 0 到 365 天之间。
