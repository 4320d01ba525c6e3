document.title = 'RemoteCam';
