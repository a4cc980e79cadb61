"""The chat's logic and queries; async, keyword-only arguments, shared domain errors."""
