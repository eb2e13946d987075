"""Answers from the bot's own documents (``knowledge/`` or Rasa Pro's ``docs/``).

``documents`` reads and splits the files, ``index`` builds and stores the search
index next to the NLU model, ``retrieval`` finds the chunks that answer a question
(BM25 fused with MiniLM sentence vectors), ``answers`` turns them into a reply that
cannot invent facts, and ``base`` ties these together for the bot.
"""
