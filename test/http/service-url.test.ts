import { serviceUrlProblem, ServiceUrlPolicy } from '../../src/http/service-url';

describe('service URLs the bot may talk to', () => {
  test.each([
    'https://smba.trafficmanager.net/amer/',
    'https://smba.trafficmanager.net/teams/',
    'https://SMBA.trafficmanager.net:443/emea/',
    'https://smba.infra.gcc.teams.microsoft.com/teams',
    'https://smba.infra.gov.teams.microsoft.us/teams',
    'https://smba.infra.dod.teams.microsoft.us/teams',
    'https://webchat.botframework.com/',
    'https://directline.botframework.azure.us/',
  ])('production accepts %s', (url) => {
    expect(serviceUrlProblem(url, 'microsoft')).toBeUndefined();
  });

  test.each([
    ['http://smba.trafficmanager.net/amer/', 'not https'],
    ['https://smba.trafficmanager.net.evil.example/', 'not a Microsoft'],
    ['https://evilbotframework.com/', 'not a Microsoft'],
    ['https://botframework.com.evil.example/', 'not a Microsoft'],
    ['https://smba.trafficmanager.net:8443/', 'port 8443'],
    ['https://u:p@smba.trafficmanager.net/', 'credentials'],
    ['http://127.0.0.1:3978/', 'not https'],
    ['not a url', 'not a URL'],
  ])('production refuses %s (%s)', (url, why) => {
    expect(serviceUrlProblem(url, 'microsoft')).toContain(why);
  });

  test.each(['http://127.0.0.1:56150/_connector', 'http://localhost:1/', 'http://[::1]:8080/', 'http://127.8.9.10/', 'https://localhost/'])('local mode accepts %s', (url) => {
    expect(serviceUrlProblem(url, 'loopback')).toBeUndefined();
  });

  test.each(['https://smba.trafficmanager.net/amer/', 'http://169.254.169.254/', 'http://10.0.0.1/', 'http://localhost.evil.example/', 'file:///etc/passwd', 'http://0.0.0.0/'])(
    'local mode refuses %s',
    (url) => {
      expect(serviceUrlProblem(url, 'loopback')).toBeDefined();
    },
  );

  test('the policy follows the app id', () => {
    expect(ServiceUrlPolicy.forAppId('').mode).toBe('loopback');
    expect(ServiceUrlPolicy.forAppId('3f2e1d0c-9b8a-4766-a554-433221100ffe').mode).toBe('microsoft');
    expect(ServiceUrlPolicy.forAppId('').problem(42)).toBe('it is not a URL');
  });
});
