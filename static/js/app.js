// Progressive enhancement for the recruiter pages.
