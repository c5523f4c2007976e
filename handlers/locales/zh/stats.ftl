## Staff's /stats [days]: the period's numbers, and a chart of the last 14 days.

stats-usage = 用法:/stats [天数],例如 /stats 30(1 到 90 天,不写则为 7 天)。
stats-not-staff = ⛔ 统计只供本店客服查看。
stats-title = 📊 近 {$days} 天({$first} – {$last})
stats-cancels = ❌ 取消订单 {$count} 笔
stats-by-reason = · 按原因:{$parts}
stats-by-path = · 按途径:{$parts}
stats-part = {$name} {$count}
stats-reason-none = 未填写
stats-path-direct = 顾客直接取消
stats-path-application = 申请审核通过
stats-path-shop = 商城取消
stats-path-conversation = 咨询后审核通过
stats-path-none = 未记录
stats-tickets = 📝 工单:新提交 {$filed} 个 · 已处理 {$decided} 个
stats-review = · 审核用时中位数 {$median} · 按时处理 {$on_time}/{$decided}({$share})
stats-review-none = · 本期没有处理完的工单
stats-cases = 💬 咨询:新开 {$opened} 个 · 已回复 {$answered} 个 · 待回复 {$waiting} 个
stats-first-reply = · 首次回复用时中位数 {$median}
stats-first-reply-none = · 本期没有已回复的咨询
stats-hours = {$hours} 小时
stats-minutes = {$minutes} 分钟
stats-refunds = 💰 退款:待完成 {$pending} 笔 · 已过预计到账日 {$overdue} 笔
stats-ratings = ⭐ 满意度:平均 {$average} 分({$count} 个评分)
stats-ratings-none = ⭐ 满意度:本期暂无评分
stats-chart-caption = 📈 近 14 天每日数量({$first} – {$last}):🟥 取消订单 · 🟦 新工单
