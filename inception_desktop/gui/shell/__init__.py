"""The window itself: tabs of workspaces, menus, the status bar, the problem list, settings and
the Help windows. It holds no workspace logic: each workspace sends its own requests and shows
its own answers."""
