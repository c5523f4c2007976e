# 订单导入(python -m bot import-orders 文件)拒收某一行的原因。
# 显示在“第 N 行:”之后;字段名和取值沿用导入文件里的写法(见 docs/import-orders.md)。
import-reason-bad-json = 不是有效的 JSON(错误在第 {$column} 列附近);每行必须是一个完整的 JSON 对象。
import-reason-bad-encoding = 这一行不是 UTF-8 编码的文本;请将文件另存为 UTF-8。
import-reason-not-object = 这一行是 JSON,但不是对象;每行应是一笔订单,形如 {"{"}"order_no": ...{"}"}。
import-reason-duplicate-key = 字段 {$field} 在这一行里出现了两次。
import-reason-missing-field = 缺少必填字段 {$field}。
import-reason-unknown-field = 未知字段 {$field}(是否拼错?);字段名请见 docs/import-orders.md。
import-reason-choice = {$field} 的值“{$value}”无效,只能是:{$choices}。
import-reason-bad-timezone = {$field} 的值“{$value}”不是有效的时区名,请写成 Asia/Shanghai 或 Europe/Berlin 这样的名称。
import-reason-bad-order-no = 订单号 order_no“{$value}”应为 4–64 位字母、数字、- 或 _。
import-reason-bad-phone = {$field}“{$value}”不像电话号码(应为数字,可含 +、- 和空格)。
import-reason-empty-text = {$field} 为空。
import-reason-text-too-long = {$field} 超过了 {$max} 个字符。
import-reason-expected-text = {$field} 应为文本(加引号)。
import-reason-expected-integer = {$field} 应为整数。
import-reason-expected-bool = {$field} 应为 true 或 false(不加引号)。
import-reason-expected-object = {$field} 应为对象 {"{"} ... {"}"}。
import-reason-quantity-range = {$field} 为 {$value},应在 1 到 {$max} 之间。
import-reason-money-format = {$field}“{$value}”不是以元为单位的金额;请写成 "30.00" 或 30.5 这样的形式。
import-reason-money-negative = {$field} 为 {$value};金额不能为负数。
import-reason-money-too-large = {$field} 为 {$value},超过了 {$max} 元的上限。
import-reason-money-precision = {$field} 为 {$value}:金额最多两位小数(精确到分)。
import-reason-datetime-format = {$field}“{$value}”不是有效的日期时间;请写成 2026-11-20T10:15:00+08:00 这样的形式。
import-reason-datetime-naive = {$field}“{$value}”缺少时区偏移;请加上,例如 2026-11-20T10:15:00+08:00。
import-reason-invalid-value = {$field} 的值无效。
import-reason-stamp-missing = 状态为 {$status} 的订单必须有 {$field}。
import-reason-stamp-not-allowed = 状态为 {$status} 的订单不能有 {$field}。
import-reason-stamp-order = {$field} 早于 {$earlier}。
import-reason-coupon-exceeds-discount = 优惠券减免 {$coupon},超过了订单的全部优惠 {$discount}。
import-reason-quantity-too-small = 数量 quantity 为 {$quantity},至少应为 1。
import-reason-negative-amount = {$field} 为 {$value};金额不能为负数。
import-reason-amount-mismatch = 金额对不上:实付 amount_paid 应为 单价 × 数量 − 优惠 = {$expected},实际为 {$given}。
import-reason-timezone-missing = {$field} 缺少时区偏移;请加上,例如 +08:00。
import-reason-channel-missing = 已支付的订单({$status})必须有支付方式 payment_channel(wechat、alipay、bank_card 或 balance)。
import-reason-paid-at-missing = 状态为 {$status} 的订单必须有 paid_at。
import-reason-paid-at-not-allowed = 状态为 {$status} 的订单不能有 paid_at。
import-reason-delivered-at-missing = 状态为 {$status} 的订单必须有 delivered_at。
import-reason-activation-not-card-key = card_key_activated 只适用于卡密(card_key)商品,不适用于 {$kind};请删掉该字段或填 null。
import-reason-status-backwards = { $existing ->
    [cancelled] 订单 {$order_no} 在本系统中已是「{$existing_name}」({$existing}),导入不能改回「{$incoming_name}」({$incoming}):已取消的订单不会因导入而恢复。
   *[other] 订单 {$order_no} 在本系统中已是「{$existing_name}」({$existing}),导入不能改回「{$incoming_name}」({$incoming}):订单状态只能向前推进。
}
import-reason-database = 数据库拒绝了这笔订单({$problem})。
import-reason-more = {$reason}(这一行还有 {$more} 处问题)
