"""Products with stock; reserves stock for placed orders with compensation."""
