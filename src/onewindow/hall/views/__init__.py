"""Hall pages, one module per audience: `public` (halls, kiosk, phone ticket, follow page, board), `console`
(the clerk's counter), `pads` (a counter's rating pad and its pairing), `appointments` (booking), `stats`
(the supervisor's figures and export) and `window` (the window acceptance of a ticket). Thin: each action calls one service or selector."""
