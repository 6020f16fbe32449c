"""Reference data the 903 is checked against: Ofsted's URN lists, and postcodes with the local
authority each lies in (for the placement LA, in or out of area, and distance)."""
