from rasa_sdk import Action


class ActionHandoffOptions(Action):
    def name(self):
        return "action_handoff_options"

    def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(text="Transferring you.")
        return []
