// English. Every key of zh.js, in the same order.
export default {
  'app.title': 'Community 110 command centre',
  'app.name': 'Community 110',
  loading: 'Loading…',
  cancel: 'Cancel',
  'error.load': 'The page could not load:',
  'error.network': 'Poor connection, retrying…',

  'filter.category': 'Category', 'filter.status': 'Status', 'filter.window': 'Time', 'filter.all': 'All',
  'filter.today': 'Today', 'filter.7d': 'Last 7 days', 'filter.30d': 'Last 30 days', 'filter.90d': 'Last 90 days', 'filter.365d': 'Last year',
  'filter.custom': 'Custom',

  'auth.signIn': 'Sign in', 'auth.signOut': 'Sign out', 'auth.needed': 'Sign in to see cases and live updates.',
  'auth.title': 'Staff sign-in', 'auth.username': 'Username', 'auth.password': 'Password', 'auth.submit': 'Sign in',
  'auth.wrong': 'Wrong username or password.', 'auth.welcome': 'Signed in as {name}', 'auth.back': 'Back to the command-centre map',

  'layers.title': 'Layers', 'tab.live': 'Live', 'tab.detail': 'Details', 'tab.stats': 'Statistics',
  'detail.hint': 'Click a grid or a case on the map to see its details.',
  'layer.choropleth': 'Reports per grid (choropleth)', 'layer.heatmap': 'Heatmap (H3 hexagons)', 'layer.hotspots': 'Hot spots (Gi*)',
  'layer.grids': 'Grid boundaries and names', 'layer.reports': 'Reports', 'layer.teams': 'N-team bases',
  'legend.choropleth': 'Reports per grid', 'legend.heatmap': 'Reports per hexagon', 'legend.hotspots': 'Hot / cold spots',
  'legend.grids': 'Grid levels', 'legend.reports': 'Case status', 'legend.teams': 'Team kinds',
  'legend.bin3': 'Hot 99%', 'legend.bin2': 'Hot 95%', 'legend.bin1': 'Hot 90%',
  'legend.bin-1': 'Cold 90%', 'legend.bin-2': 'Cold 95%', 'legend.bin-3': 'Cold 99%',

  'level.city': 'City', 'level.district': 'District/county', 'level.township': 'Township/street', 'level.community': 'Community/village', 'level.compound': 'Compound',

  'status.submitted': 'Submitted', 'status.filed': 'Filed', 'status.dispatched': 'Dispatched', 'status.in_progress': 'In progress',
  'status.returned': 'Returned', 'status.reopened': 'Reopened', 'status.resolved': 'Resolved', 'status.verified': 'Verified',
  'status.closed': 'Closed', 'status.rejected': 'Rejected',

  'team.patrol': 'Patrol', 'team.legal_aid': 'Legal aid', 'team.volunteer': 'Volunteers', 'team.anti_counterfeit': 'Anti-counterfeit',
  'team.emergency': 'Emergency', 'team.mediation': 'Mediation', 'team.medical': 'Medical', 'team.duty': '"2" team',
  'team.onDuty': 'on duty', 'team.offDuty': 'off duty',

  'role.grid_worker': 'Grid worker', 'role.police_officer': 'Police officer', 'role.auxiliary_police': 'Auxiliary police', 'role.volunteer': 'Volunteer',
  'role.lawyer': 'Lawyer', 'role.mediator': 'Mediator', 'role.inspector': 'Inspector', 'role.medic': 'Medic', 'role.rescuer': 'Rescuer',
  'role.leader': 'Leader', 'role.member': 'Member',

  'staffRole.grid_worker': 'Grid worker', 'staffRole.police': 'Police', 'staffRole.team_member': 'Team member',
  'staffRole.command_township': 'Township command', 'staffRole.command_district': 'District command',
  'staffRole.command_city': 'City command', 'staffRole.department': 'Department', 'staffRole.admin': 'Administrator', 'staffRole.api_client': 'API client',

  'live.created': 'new report', 'live.escalated': 'escalated', 'live.rated': 'rated by the reporter', 'live.moved': '{from} → {to}',
  'live.signin': 'Sign in to see live cases in your jurisdiction.', 'live.connecting': 'Connecting to live updates…', 'live.open': 'Live updates connected',
  'live.reconnecting': 'Connection lost, reconnecting…', 'live.closed': 'Live updates stopped; reload the page.', 'live.off': '',

  'grid.reportPage': 'Open the report page', 'grid.qrPNG': 'Download the QR code', 'grid.qrSheet': "Print the QR codes of this community's compounds (A4)",
  'grid.area': 'Area {km2} km²', 'grid.dutyTeam': '"2" team', 'grid.noTeam': 'No "2" team on record.',
  'grid.recent': 'Recent cases', 'grid.noCases': 'No cases for the current filter.',

  'case.priority': 'priority {p}', 'case.due': 'due', 'case.grid': 'Grid', 'case.dutyTeam': '"2" team',
  'case.team': 'N-team', 'case.department': 'Department', 'case.created': 'Reported', 'case.reporter': 'Reporter',
  'case.result': 'Result:', 'case.overdue': 'overdue', 'case.escalated': 'escalated {n}× ({grid})', 'case.stageDue': 'stage due',
  'case.duplicates': 'Likely duplicates', 'case.noMoves': 'Your role has no move to make on this case now.', 'case.moves': 'Handle', 'case.history': 'History',

  'event.submitted': 'Reported', 'event.filed': 'Filed', 'event.dispatched': 'Dispatched', 'event.in_progress': 'Work started',
  'event.resolved': 'Resolved', 'event.verified': 'Verified on site', 'event.closed': 'Closed', 'event.returned': 'Returned',
  'event.rejected': 'Rejected', 'event.reopened': 'Reopened', 'event.extension_requested': 'Extension requested',
  'event.extension_granted': 'Extension granted', 'event.supervised': 'Supervised', 'event.escalated': 'Escalated', 'event.rated': 'Rated',

  'channel.qr': 'QR code', 'channel.miniapp': 'Mini-program', 'channel.api': 'API', 'channel.open311': 'Open311',
  'channel.terminal': 'Grid terminal', 'channel.phone': 'Phone', 'channel.web': 'Web',

  'dept.public_security': 'Police station', 'dept.judicial': 'Judicial office', 'dept.market': 'Market regulation',
  'dept.emergency_mgmt': 'Emergency management', 'dept.urban_mgmt': 'Urban management', 'dept.civil_affairs': 'Civil affairs', 'dept.health': 'Health',

  'move.file': 'File', 'move.dispatch': 'Dispatch', 'move.start': 'Start work', 'move.resolve': 'Resolve', 'move.verify': 'Verify',
  'move.close': 'Close', 'move.return': 'Return', 'move.request_extension': 'Request extension', 'move.grant_extension': 'Grant extension',
  'move.reject': 'Reject', 'move.reopen': 'Reopen',
  'move.team': 'Team', 'move.department': 'Department', 'move.dueAt': 'New due time', 'move.duplicateOf': 'Duplicate of case (id, optional)',
  'move.note': 'Note', 'move.noteRequired': 'Reason (required)', 'move.submit': 'Confirm', 'move.conflict': 'The case is now "{status}"; reload and try again.',

  'stats.unavailable': 'The statistics endpoint is not available yet.', 'stats.reports': 'reports', 'stats.byCategory': 'By category', 'stats.byDay': 'By day',
  'stats.onTime': 'On-time closure rate', 'stats.onTimeShort': 'on time', 'stats.onTimeDetail': '{onTime} of {closed} closed cases on time',
  'stats.csv': 'Export CSV',

  'r.title': 'Report an incident', 'r.where': 'Your compound', 'r.unknown': 'This compound code is unknown; please scan the QR code at your gate again.',
  'r.category': '1. What kind of problem?', 'r.text': '2. Describe it', 'r.textHint': 'What happened, and where exactly? (required)',
  'r.emergency': 'Danger happening now? Call 110 at once.', 'r.call': 'Call 110',
  'r.photos': '3. Photos (optional, up to 6)', 'r.addPhoto': 'Take or choose photos', 'r.voice': 'Voice note (optional, up to 60 s)',
  'r.record': 'Record', 'r.stop': 'Stop', 'r.recording': 'Recording {s} s', 'r.voiceReady': 'Voice note {s} s',
  'r.noMic': 'The microphone is not available: {why}', 'r.remove': 'Remove',
  'r.location': 'Share my location (more precise, optional)', 'r.locating': 'Locating…', 'r.located': 'Located within about {m} m',
  'r.noLocation': 'No location; the report goes to your compound.',
  'r.contact': 'Contact (optional, seen by staff only)', 'r.name': 'Name', 'r.phone': 'Mobile number',
  'r.submit': 'Submit', 'r.sending': 'Sending…', 'r.retrying': 'Poor connection, retry {n}…',
  'r.failed': 'Not sent: {why}', 'r.needCategory': 'Choose a category.', 'r.needText': 'Describe the problem.',
  'r.done': 'Report received', 'r.code': 'Your tracking code', 'r.keep': 'Keep this code to follow the case.', 'r.track': 'Follow the case',
  'r.dupes': '{n} similar reports nearby are already being handled; staff will take them together.',
  'r.another': 'Report another', 'r.dutyTeam': 'Your grid team: {team}',
  'r.badType': '"{name}" is not a photo format we take (JPEG, PNG, WebP); it was left out.',
  'r.tooBig': '"{name}" is too large ({mb} MB): a photo may be at most 10 MB after resizing.',
  'r.tooMany': 'At most 6 photos; "{name}" was not added.', 'r.unreadable': '"{name}" could not be read; try another photo.',
  'r.voiceTooBig': 'The voice note is too large ({mb} MB, at most 5 MB); record a shorter one.',

  't.title': 'Case progress', 't.code': 'Tracking code', 't.lookup': 'Look up', 't.notFound': 'No case has this tracking code.',
  't.status': 'Status', 't.grid': 'Grid', 't.created': 'Reported', 't.history': 'History',
  't.rate': 'Are you satisfied with the result?', 't.satisfied': 'Satisfied', 't.unsatisfied': 'Not satisfied', 't.comment': 'Comment (optional)',
  't.thanks': 'Thank you for your rating.', 't.rated': 'Your rating: {v}',
};
