## Satisfaction, asked once per case: a rating 1–5 (or skip), then an optional comment.

satisfaction-ask-ticket = 🙏 Were you satisfied with how your application for order {$order_no} was handled?
satisfaction-ask-refund = 🙏 The refund for order {$order_no} has arrived. Were you satisfied with how it was handled?
satisfaction-ask-conversation = 🙏 Your conversation about order {$order_no} is closed. Were you satisfied with our staff?
satisfaction-ask-other = 🙏 Were you satisfied with our service?
satisfaction-ask-hint = Please rate it from 1 to 5 (5 is best), or skip.
satisfaction-star = ⭐{$stars}
satisfaction-skip = Skip
satisfaction-rated = Thank you for your rating: {$stars}
satisfaction-ask-comment = Anything else you would like to tell us? Just send it as a message (up to {$max} characters), or press "No, thanks".
satisfaction-no-comment = No, thanks
satisfaction-skipped = All right, skipped. Thank you for your patience!
satisfaction-already = You have answered this already, thank you!
satisfaction-thanks = Thank you for your rating!
satisfaction-comment-thanks = Thank you for your feedback, we will read it carefully!
satisfaction-comment-invalid = A comment cannot be empty or longer than {$max} characters. Please send it again, or press "No, thanks".
satisfaction-comment-closed = This rating is finished already, thank you!
