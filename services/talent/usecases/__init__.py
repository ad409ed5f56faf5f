"""The talent use cases, one module per group; ``services.talent.service.TalentService`` combines them."""
