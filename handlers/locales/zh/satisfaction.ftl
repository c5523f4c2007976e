## Satisfaction, asked once per case: a rating 1–5 (or skip), then an optional comment.

satisfaction-ask-ticket = 🙏 您对订单 {$order_no} 申请的处理满意吗?
satisfaction-ask-refund = 🙏 订单 {$order_no} 的退款已到账。您对这次退款的处理满意吗?
satisfaction-ask-conversation = 🙏 关于订单 {$order_no} 的咨询已结束。您对客服的服务满意吗?
satisfaction-ask-other = 🙏 您对这次服务满意吗?
satisfaction-ask-hint = 请打 1–5 分(5 分最满意),也可以跳过。
satisfaction-star = ⭐{$stars}
satisfaction-skip = 跳过
satisfaction-rated = 谢谢您的评分:{$stars}
satisfaction-ask-comment = 还有什么想对我们说的吗?直接发送文字即可(最多 {$max} 字),或点「不用了」。
satisfaction-no-comment = 不用了
satisfaction-skipped = 好的,已跳过。感谢您的耐心!
satisfaction-already = 您已经回答过了,谢谢!
satisfaction-thanks = 谢谢您的评价!
satisfaction-comment-thanks = 感谢您的反馈,我们会认真查看!
satisfaction-comment-invalid = 留言不能为空,且不能超过 {$max} 字。请重新发送,或点「不用了」。
satisfaction-comment-closed = 这次评价已经结束了,谢谢!
