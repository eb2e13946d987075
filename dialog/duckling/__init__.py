"""Duckling's dimensions without a Duckling server: each module finds one kind of span.

``numbers``, ``money``, ``durations``, ``contacts`` and ``times`` each return
``Match`` values (span, dimension, Duckling's ``value`` object); ``times`` builds on
``time_atoms`` (the patterns), ``grouping`` (which atoms make one expression),
``clock`` (times of day) and ``resolved`` (Duckling's value objects).
``dialog.nlu.duckling_entities`` runs the ones a pipeline asks for and turns them
into entities in Rasa's shape.
"""

__all__: list[str] = []
