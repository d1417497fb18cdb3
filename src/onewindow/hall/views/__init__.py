"""Hall pages, one module per audience: `public` (halls, kiosk, phone ticket, follow page, board), `console`
(the clerk's counter), `pads` (a counter's rating pad and its pairing), `appointments` (booking) and `stats`
(the supervisor's figures and export). Thin: each action calls one service or selector."""
