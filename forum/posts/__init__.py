"""A post's text and its life: the one place where posts change status, text or counters.

`text` turns what a person typed into what is stored (cleaned, rendered once, checked for
crisis language); `lifecycle` changes a post's status and text, keeps the counters, and
announces each change (forum/events.py). The member services (forum/threads) and the
moderators' (forum/moderation, forum/flags) call these; nothing else writes posts.
"""
