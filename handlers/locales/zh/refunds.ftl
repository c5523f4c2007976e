## /refunds: each refund's timeline and the one thing to do next.
## The list's header, empty text and order line are in orders.ftl (refunds-*), shared with order cards.

refund-step-requested = ✅ 申请退款 · {$at}
refund-step-waiting = ⏳ 等待客服提交至{$channel}
refund-step-submitted = ✅ 已提交至{$channel} · {$at}
refund-step-expected = ⏳ 预计到账 · {$date} 前
refund-step-overdue = ⚠️ 预计到账 · {$date} 前(已过预计时间,尚无到账记录)
refund-step-succeeded = ✅ 已到账 · {$at}(已退回{$channel})
refund-step-failed = ❌ 退款失败:{$reason} · {$at}
refund-step-attempt = 🔁 第 {$attempt} 次发起
refund-step-attempt-at = 🔁 第 {$attempt} 次发起 · {$at}
refund-step-not-yet = 🕐 您反馈尚未到账 · {$at}
refund-step-confirmed = 🙋 您已确认收到 · {$at}
refund-step-confirmed-unverified = 🙋 您已确认收到 · {$at}(尚待{$channel}的退款记录确认)
refund-no-reason = 未说明原因

refunds-button-open = 🔎 查看详情 · {$order_no}
refunds-button-not-yet = ❓ 还没到账? · {$order_no}
refunds-button-ask-staff = 🙋 请客服重新发起 · {$order_no}

refund-button-open = 🔎 查看退款进度
refund-button-not-yet = ⏳ 还没到
refund-button-arrived = ✅ 已到账
refund-button-ask-staff = 🙋 请客服重新发起

refund-detail-title = 🧾 退款详情 · 订单 {$order_no}

refund-where-wechat = 微信 App 里的账单
refund-where-alipay = 支付宝 App 里的账单
refund-where-bank_card = 银行 App 或银行卡账单
refund-where-balance = 店铺余额明细

refund-thanks = 🙏 谢谢确认!已记录您收到订单 {$order_no} 的退款 {$amount}。
refund-guidance =
    🔎 订单 {$order_no} 的退款 {$amount} 还没到账?请先这样查看:
    打开{$where},找到这笔退款:
    · 显示"退款中":{$channel}还在处理,请再耐心等待,我们会跟您一起核实;
    · 显示"退款失败":请点下方"请客服重新发起",客服会为您重新退款。
    如到 {$follow_up} 仍没有进展,客服会主动为您跟进。
refund-already-arrived = ✅ 退款记录显示,订单 {$order_no} 的退款 {$amount} 已于 {$at} 退回您的{$channel}。请在{$where}中查看这笔退款。
refund-failed-now = ❌ 订单 {$order_no} 的退款 {$amount} 退回{$channel}失败:{$reason}。客服会重新发起,重新发出时会通知您;也可以点下方按钮请客服尽快处理。
refund-asked-staff = 🙋 已请客服为您重新发起订单 {$order_no} 的退款 {$amount}。重新发出时会通知您。
refund-asked-check = 🙋 已请客服向{$channel}核实订单 {$order_no} 的退款 {$amount}。如确认失败,客服会为您重新发起,并通知您。
refund-not-found = 找不到这笔退款,或它不属于您的账号。

push-refund-submitted = 📤 订单 {$order_no} 的退款 {$amount} 已提交至{$channel},预计 {$latest} 前到账。
push-refund-resubmitted = 📤 订单 {$order_no} 的退款 {$amount} 已重新提交至{$channel}(第 {$attempt} 次),预计 {$latest} 前到账。
push-refund-succeeded = ✅ 订单 {$order_no} 的退款 {$amount} 已到账:已原路退回您的{$channel}。
push-refund-succeeded-balance = ✅ 订单 {$order_no} 的退款 {$amount} 已到账:已存入您的店铺余额,下次购买可直接使用。
push-refund-failed =
    ❌ 订单 {$order_no} 的退款 {$amount} 退回{$channel}失败:{$reason}
    接下来:客服会为您重新发起退款,重新发出时会通知您。也可以点下方按钮请客服尽快处理。
push-refund-arrival-check = 💰 {$amount} 应已退回您的{$channel},请问到账了吗?(订单 {$order_no})
refund-stale-question = 那条消息说的是上一次的退款,这里是现在的进度。
