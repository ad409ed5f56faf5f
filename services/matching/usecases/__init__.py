"""The matching use cases, one module per concern; ``services.matching.service.MatchingService`` combines them."""
