"""ecommerce-api: a shop whose stock never oversells and whose money is never wrong."""
