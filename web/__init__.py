"""`mieux web`: the small web service beside the workers (DOMAIN.md §2 actors who never run
a terminal). Answer pages behind signed links, the board for management, and the codec
endpoint that lets the Temporal UI show encrypted payloads in clear."""
