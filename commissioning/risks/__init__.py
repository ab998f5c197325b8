"""The risk register of a joint commission (seed 002, section 6): each risk's likelihood and impact (1-5), its score
(derived), status, owner, countermeasure and review date; the 5 x 5 grid; review reminders; the board pack paper."""
