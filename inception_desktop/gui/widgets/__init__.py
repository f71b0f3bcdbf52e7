"""Views shared by the workspaces: score bars, the exact network input, the heat map's pictures."""
