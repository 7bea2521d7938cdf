"""planflow: plans (Kế hoạch) compiled into owned, dated tasks, checked and reported."""
