"""Events published by the contracts service (declared as the contracts issue lands)."""
