/**
 * The holder's screens, once the wallet is open. Loaded dynamically (app.tsx): they need the
 * protocol libraries, which the first screen (create or unlock) must not wait for.
 */
import { screen } from './navigation.js';
import { CredentialScreen } from './screens/credential.js';
import { History } from './screens/history.js';
import { Home } from './screens/home.js';
import { Present } from './screens/present.js';
import { Receive } from './screens/receive.js';
import { Guardians } from './screens/recovery/guardians.js';
import { Settings } from './screens/settings.js';

export function Unlocked() {
  const current = screen.value;
  switch (current.name) {
    case 'credential':
      return <CredentialScreen id={current.id} />;
    case 'receive':
      return <Receive link={current.link} />;
    case 'present':
      return <Present link={current.link} />;
    case 'history':
      return <History />;
    case 'settings':
      return <Settings />;
    case 'guardians':
      return <Guardians />;
    default:
      return <Home />;
  }
}
