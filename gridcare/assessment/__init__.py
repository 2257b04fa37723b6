"""Quality service as a daily, measured system (电力优质服务常态运行机制, SPEC ASSESS-1 to ASSESS-7,
WO-7): assessment figures from daily roll-ups, star standards, the rewards and penalties ledger,
post management with standby, social supervision and surveys drawn by stratified sampling, the
satisfaction index and its drivers, improvement actions and the monthly report."""
