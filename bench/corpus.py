"""Text for the bench: realistic post bodies and thread titles, shared by the large seed
and the baseline app so that both pages carry the same amount of HTML.

The bodies are markdown as members write it (paragraphs, lists, quotes, links, a little
emphasis), from a couple of lines to a long update. They are rendered once with the
forum's own `render_markdown`, and the result is reused for every row.
"""

BODIES = [
    "Thank you for writing this. I recognise so much of it.",

    "Welcome. You're in the right place, and nobody here will judge you.\n\n"
    "Take your time reading the older threads; there is a lot of experience in them.",

    "Week 3 update.\n\n"
    "Sleep is better than last week, and the 6 pm craving is **much** quieter. "
    "I still notice it, but it no longer runs the evening.\n\n"
    "- tiredness in the afternoon, less than before\n"
    "- a bit of dizziness when I stand up quickly\n"
    "- mood: steadier\n\n"
    "My GP knows and we have a review booked for next month.",

    "> I was so scared of telling my doctor\n\n"
    "Same here. In the end I printed the explainer from the resources section and took it "
    "with me. She had not heard of the approach but she listened, and that was enough to "
    "start the conversation.",

    "For anyone reading this at 2 am: it gets easier. Not all at once and not in a straight "
    "line, but it does.\n\n"
    "If tonight is hard, the help page lists lines that answer at night. Please use them.",

    "A question for the clinicians here: how do you talk with a client who is self-prescribing "
    "and doesn't want their GP involved? I don't want to push them away, but I worry about "
    "the *stopping suddenly* part.\n\n"
    "What has worked for you?",

    "My husband started eight months ago. From the outside, the biggest change wasn't the "
    "drinking at first, it was that he stopped planning his whole day around it.\n\n"
    "What helped me as the partner:\n\n"
    "1. the family & friends threads here\n"
    "2. not counting his drinks for him (hard!)\n"
    "3. keeping my own evenings\n\n"
    "It's not over, but we talk about it now, which we never could before.",

    "There is a summary of the dose-response trial in [the resources section]"
    "(https://example.org/resources/trial-summary), with what it did and did not show. "
    "Worth reading before the older threads, which predate it.",

    "Two years today. I didn't think I would ever write that sentence.\n\n"
    "Thank you to everyone in this thread who answered me when I was at my worst, "
    "especially the people who told me about their bad weeks and not only the good ones.",

    "Practical tip that helped me: a simple diary, every evening, three lines.\n\n"
    "```\n"
    "date     dose  craving(0-10)  notes\n"
    "03-02    ...   4              slept badly\n"
    "03-03    ...   2              good day\n"
    "```\n\n"
    "It made the conversation with my prescriber much easier because I had facts instead "
    "of feelings. (No doses on the forum please: everyone's are different and it is not "
    "advice.)",

    "I relapsed last weekend after four months and I am ashamed to post this.\n\n"
    "But I said I would be honest here. I'm back in contact with my doctor, I told my "
    "sister, and I'm reading this thread from the beginning again.",

    "Relapse is part of this for a lot of us. You posted, you called your doctor, you told "
    "your sister: that's three things most people can't do the week after. **Be as kind to "
    "yourself as you'd be to anyone else here.**\n\n"
    "What would make this week a bit easier?",

    "As a counsellor, what I see most often is that the medication quiets the craving but "
    "leaves the space where the drinking used to be. That space needs filling: people, "
    "routine, something for the hands in the evening.\n\n"
    "Some of my clients found these useful:\n\n"
    "- a fixed walk at the hour they used to start drinking\n"
    "- one person they text every night, even just \"ok\"\n"
    "- writing here\n\n"
    "> It's not the absence of alcohol that heals, it's what grows in its place.\n\n"
    "That is a quote a client gave me, and I have passed it on many times since.",

    "Titrating up slowly with my prescriber, and writing everything down. The slow pace "
    "is frustrating some weeks, but the side effects stay manageable that way.",

    "Side-effect check-in for month two: drowsiness mostly gone, some tinnitus on and off, "
    "and vivid dreams. Has anyone else had the dreams? They are not bad, just *very* "
    "detailed. I mentioned them at my review and was told to keep noting them.",
]

TITLES = [
    "Starting out: three weeks in",
    "How do I talk to my GP about this?",
    "Side effects in the first month",
    "My partner is starting treatment: what should I know?",
    "Cravings in the evening",
    "Two years today",
    "Sleep problems and what helped",
    "Relapsed after four months",
    "For clinicians: supporting clients who self-prescribe",
    "Reading list for family members",
    "Vivid dreams: anyone else?",
    "Telling my employer, or not",
    "What the dose-response trial did and didn't show",
    "Anxiety came first, then the drinking",
    "Small wins thread",
    "Stopping safely: what my prescriber told me",
    "Hello from a new member",
    "Diary: month one",
    "Holidays and family gatherings",
    "When your parent drinks",
]

LONG_THREAD_TITLE = "The daily check-in thread: how is today going?"
