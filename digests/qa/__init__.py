"""Follow-up questions: reading them, finding the sentences that answer, and answering."""
