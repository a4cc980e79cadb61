"""Sends emails for shop events over SMTP and shows each user theirs."""
