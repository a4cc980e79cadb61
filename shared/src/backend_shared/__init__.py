"""What every service in the monorepo imports: settings, db, auth, errors, middleware, limits."""
