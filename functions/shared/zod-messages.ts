import * as z from "zod/mini";
import { en } from "zod/locales";

// zod/mini installs no locale: without one, every issue's message is just "Invalid input". zod classic
// installs this English locale when it loads; installing it here keeps the messages that configuration
// errors, dead-letter reasons and the data action's 400 answers name. Imported for this effect by every
// module that turns zod issues into text, and by shared/env, which every Lambda loads at cold start.
// (The locale is imported by name: `z.locales.en` would bundle every locale zod has.)
z.config(en());
