"""What the shop's services share at run time: outbox, inbox, consumers, tracing."""
